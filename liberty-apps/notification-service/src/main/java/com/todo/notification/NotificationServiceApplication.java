package com.todo.notification;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;
import org.eclipse.microprofile.auth.LoginConfig;
import org.eclipse.microprofile.openapi.annotations.Components;
import org.eclipse.microprofile.openapi.annotations.OpenAPIDefinition;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeType;
import org.eclipse.microprofile.openapi.annotations.info.Info;
import org.eclipse.microprofile.openapi.annotations.security.SecurityScheme;

/**
 * Reminders: one Dapr job per reminder, their state in the state store, the reminder REST actions
 * under /api/v1, sidecar callbacks under /events and /job.
 */
@ApplicationPath("/")
@LoginConfig(authMethod = "MP-JWT")
@OpenAPIDefinition(
    info =
        @Info(
            title = "notification-service",
            version = "1",
            description =
                "Reminders of the todo platform (docs/api.md): list them with their status, snooze"
                    + " them. Errors are application/problem+json."),
    components =
        @Components(
            securitySchemes =
                @SecurityScheme(
                    securitySchemeName = "jwt",
                    type = SecuritySchemeType.HTTP,
                    scheme = "bearer",
                    bearerFormat = "JWT")))
public class NotificationServiceApplication extends Application {}
