package com.todo.notification;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;
import org.eclipse.microprofile.auth.LoginConfig;

/** Reminders: one Dapr job per reminder, delivery status in the state store. */
@ApplicationPath("/")
@LoginConfig(authMethod = "MP-JWT")
public class NotificationServiceApplication extends Application {}
