package it.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.net.http.HttpRequest;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceAccessMode;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * Tokens are accepted only for this API's audience ({@code mp.jwt.verify.audiences=todo-api}): a
 * token of the right issuer and key but without the audience, or for another one, is refused.
 */
@ResourceLock(value = PlatformLock.PLATFORM, mode = ResourceAccessMode.READ)
class JwtAudienceIT {

  private static int listTasks(String token) {
    return Platform.send(
            HttpRequest.newBuilder(URI.create(Platform.app("task-service") + "/api/v1/tasks"))
                .header("Authorization", "Bearer " + token)
                .GET())
        .statusCode();
  }

  @Test
  void onlyTokensForThisApisAudienceAreAccepted() throws Exception {
    String user = "aud-" + UUID.randomUUID();
    assertEquals(
        200, listTasks(BenchTokens.token(user, "todo-api")), "the same token with the audience");
    assertEquals(401, listTasks(BenchTokens.token(user, null)), "no audience");
    assertEquals(401, listTasks(BenchTokens.token(user, "another-api")), "another audience");
    assertEquals(200, listTasks(new TaskApi(user).token()), "./dev token issues the audience");
  }
}
