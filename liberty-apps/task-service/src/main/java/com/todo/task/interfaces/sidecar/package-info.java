/**
 * Endpoints only the Dapr sidecar calls ({@link com.todo.dapr.SidecarOnly}: the app token is
 * checked): job callbacks and the internal occurrence endpoint for recurring-service. Not part of
 * the public OpenAPI document.
 */
package com.todo.task.interfaces.sidecar;
