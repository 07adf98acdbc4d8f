package it.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.todo.events.JsonDigest;
import io.dapr.client.DaprClient;
import io.dapr.client.DaprClientBuilder;
import io.dapr.client.domain.PublishEventRequest;
import io.dapr.config.Properties;
import it.support.SampleEvents;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * A CloudEvent published through one sidecar with the official Dapr Java SDK reaches, in every
 * subscribing service, the route that the CEL rule of its declarative subscription chose for the
 * event's type, with id, type, source and data unchanged.
 */
// alone: it reads each subscriber's last handled event of a partition, which any other test's
// task event would move
@ResourceLock(PlatformLock.PLATFORM)
class PubSubRoutingIT {

  private static final List<String> SUBSCRIBERS =
      List.of("notification-service", "recurring-service", "realtime-service");

  @Test
  void eachTypeReachesTheRouteItsRuleChoosesUnchanged() throws Exception {
    String user = "routing-" + UUID.randomUUID();
    String taskId = UUID.randomUUID().toString();
    JsonObject created =
        SampleEvents.event("com.todo.task.created.v1", user, SampleEvents.task(taskId, user));
    JsonObject deleted =
        SampleEvents.event(
            "com.todo.task.deleted.v1",
            user,
            Json.createObjectBuilder()
                .add("id", taskId)
                .add("userId", user)
                .add("version", 2)
                .build());

    try (KafkaTopic topic = new KafkaTopic("task-events");
        DaprClient dapr =
            new DaprClientBuilder()
                .withPropertyOverride(Properties.SIDECAR_IP, "127.0.0.1")
                .withPropertyOverride(
                    Properties.GRPC_PORT,
                    Integer.toString(Platform.sidecarGrpcPort("task-service")))
                .withPropertyOverride(
                    Properties.HTTP_PORT,
                    Integer.toString(Platform.sidecarHttpPort("task-service")))
                .withPropertyOverride(Properties.API_TOKEN, Platform.DAPR_TOKEN)
                .build()) {
      // one at a time: each service's consumed position then ends exactly at the event sent
      for (JsonObject event : List.of(created, deleted)) {
        dapr.publishEvent(
                new PublishEventRequest(
                        "pubsub", "task-events", event.toString().getBytes(StandardCharsets.UTF_8))
                    .setContentType("application/cloudevents+json")
                    .setMetadata(Map.of("partitionKey", user)))
            .block(Duration.ofSeconds(15));
        ConsumerRecord<String, String> onKafka =
            topic.await(Duration.ofSeconds(30), event.getString("id"));
        for (String service : SUBSCRIBERS)
          assertArrivedUnchanged(service, event, onKafka, "/events/task-events");
      }
    }
  }

  private static void assertArrivedUnchanged(
      String service, JsonObject sent, ConsumerRecord<String, String> onKafka, String route) {
    String id = sent.getString("id");
    JsonObject position = Platform.awaitConsumed(service, route, onKafka);
    assertEquals(route, position.getString("route"), service + " chose the wrong route");
    JsonObject record = position.getJsonObject("lastHandled");
    assertEquals(
        onKafka.offset(),
        record.getJsonNumber("offset").longValue(),
        service + ": another event came after " + id);
    JsonObject received = record.getJsonObject("event");
    for (String attribute : List.of("id", "type", "source", "subject", "userid", "sequence")) {
      assertEquals(sent.get(attribute), received.get(attribute), service + ": " + attribute);
    }
    assertEquals(
        JsonDigest.sha256(sent.getJsonObject("data")),
        record.getString("dataSha256"),
        service + ": data");
  }
}
