package com.todo.task;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;
import org.eclipse.microprofile.auth.LoginConfig;

/** The JAX-RS application: the public API under /api/v1, sidecar callbacks under /job and /internal. */
@ApplicationPath("/")
@LoginConfig(authMethod = "MP-JWT")
public class TaskServiceApplication extends Application {}
