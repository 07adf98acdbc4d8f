/**
 * The sidecar client shared by every service: {@link com.todo.dapr.DaprSidecar} for calls out to
 * the sidecar, {@link com.todo.dapr.SidecarOnly} and {@link com.todo.dapr.AppTokenGuard} for calls
 * in from it.
 */
package com.todo.dapr;
