package com.todo.task;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;
import org.eclipse.microprofile.auth.LoginConfig;
import org.eclipse.microprofile.openapi.annotations.Components;
import org.eclipse.microprofile.openapi.annotations.OpenAPIDefinition;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeType;
import org.eclipse.microprofile.openapi.annotations.info.Info;
import org.eclipse.microprofile.openapi.annotations.security.SecurityScheme;

/**
 * The JAX-RS application: the public API under /api/v1, sidecar callbacks under /job and /internal.
 */
@ApplicationPath("/")
@LoginConfig(authMethod = "MP-JWT")
@OpenAPIDefinition(
    info =
        @Info(
            title = "task-service",
            version = "1",
            description =
                "Tasks of the todo platform (docs/api.md). Errors are application/problem+json;"
                    + " every change is published as a CloudEvent on task-events."),
    components =
        @Components(
            securitySchemes =
                @SecurityScheme(
                    securitySchemeName = "jwt",
                    type = SecuritySchemeType.HTTP,
                    scheme = "bearer",
                    bearerFormat = "JWT")))
public class TaskServiceApplication extends Application {}
