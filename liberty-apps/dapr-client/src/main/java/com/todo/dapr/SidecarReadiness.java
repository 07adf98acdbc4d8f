package com.todo.dapr;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready only while the Dapr sidecar answers (without it the service can neither publish nor store)
 * and, in a service that keeps its state there ({@code readiness.state-store=true}), while the
 * state store answers through it. The sidecar's app health check reads this: while it is down the
 * sidecar delivers no events, so a long state store outage holds them in Kafka instead of
 * exhausting their delivery retries into the dead-letter topic (LongOutageIT).
 */
@Readiness
@ApplicationScoped
public class SidecarReadiness implements HealthCheck {

  @Inject DaprSidecar sidecar;

  @Inject
  @ConfigProperty(name = "readiness.state-store", defaultValue = "false")
  boolean stateStore;

  @Override
  public HealthCheckResponse call() {
    boolean sidecarUp = sidecar.healthy();
    var response = HealthCheckResponse.named("dapr-sidecar").withData("sidecar", sidecarUp);
    boolean up = sidecarUp;
    if (stateStore) {
      boolean storeUp = sidecarUp && sidecar.stateStoreAnswers();
      response.withData("state-store", storeUp);
      up = storeUp;
    }
    return response.status(up).build();
  }
}
