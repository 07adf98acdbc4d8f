package com.todo.realtime;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;
import org.eclipse.microprofile.auth.LoginConfig;

/** WebSocket push of each user's changes and reminders. */
@ApplicationPath("/")
@LoginConfig(authMethod = "MP-JWT")
public class RealtimeServiceApplication extends Application {}
