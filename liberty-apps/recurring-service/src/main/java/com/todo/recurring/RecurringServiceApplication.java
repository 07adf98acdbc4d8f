package com.todo.recurring;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;
import org.eclipse.microprofile.auth.LoginConfig;

/** Recurring series: the next occurrence of a completed recurring task. */
@ApplicationPath("/")
@LoginConfig(authMethod = "MP-JWT")
public class RecurringServiceApplication extends Application {}
