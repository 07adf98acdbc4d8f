package com.todo.dapr;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready only while the Dapr sidecar answers: without it the service can neither publish nor store.
 */
@Readiness
@ApplicationScoped
public class SidecarReadiness implements HealthCheck {

  @Inject DaprSidecar sidecar;

  @Override
  public HealthCheckResponse call() {
    return HealthCheckResponse.named("dapr-sidecar").status(sidecar.healthy()).build();
  }
}
