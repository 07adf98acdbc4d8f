package com.todo.dapr;

import jakarta.ws.rs.NameBinding;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a JAX-RS resource or method that only the Dapr sidecar may call (subscriptions, job
 * callbacks, invocations): {@link AppTokenGuard} rejects calls without {@code APP_API_TOKEN}.
 */
@NameBinding
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
public @interface SidecarOnly {}
