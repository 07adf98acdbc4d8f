package it.platform;

import java.net.URI;
import java.net.http.HttpRequest;

/** Reads a sidecar's Prometheus metrics (daprd --metrics-port, 9190 + the service's index). */
final class SidecarMetrics {
  private SidecarMetrics() {}

  /** How often the service's sidecar got RETRY for events of {@code topic} (a counter). */
  static double inboundRetries(String service, String topic) {
    int port = 9190 + Platform.SERVICES.indexOf(service);
    String body =
        Platform.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).GET()).body();
    return body.lines()
        .filter(l -> l.startsWith("dapr_component_pubsub_ingress_count{"))
        .filter(l -> l.contains("process_status=\"retry\"") && l.contains("topic=\"" + topic + "\""))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
        .sum();
  }
}
