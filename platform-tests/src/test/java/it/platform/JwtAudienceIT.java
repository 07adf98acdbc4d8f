package it.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.util.Base64;
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

  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

  /** A token signed with the local dev issuer's key; {@code aud} is left out when null. */
  private static String token(String user, String audience) throws Exception {
    String pem = Files.readString(Platform.DEV.resolve("secrets/jwt-private.pem"));
    byte[] der =
        Base64.getMimeDecoder()
            .decode(pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", ""));
    PrivateKey key = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der));
    long now = Instant.now().getEpochSecond();
    String header = "{\"alg\":\"RS256\",\"typ\":\"JWT\",\"kid\":\"dev\"}";
    String payload =
        "{\"iss\":\"https://dev.todo.local\","
            + (audience == null ? "" : "\"aud\":\"" + audience + "\",")
            + "\"sub\":\""
            + user
            + "\",\"upn\":\""
            + user
            + "\",\"groups\":[\"user\"],\"iat\":"
            + now
            + ",\"exp\":"
            + (now + 600)
            + ",\"jti\":\""
            + UUID.randomUUID()
            + "\"}";
    String signed =
        B64.encodeToString(header.getBytes(StandardCharsets.UTF_8))
            + "."
            + B64.encodeToString(payload.getBytes(StandardCharsets.UTF_8));
    Signature rsa = Signature.getInstance("SHA256withRSA");
    rsa.initSign(key);
    rsa.update(signed.getBytes(StandardCharsets.US_ASCII));
    return signed + "." + B64.encodeToString(rsa.sign());
  }

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
    assertEquals(200, listTasks(token(user, "todo-api")), "the same token with the audience");
    assertEquals(401, listTasks(token(user, null)), "no audience");
    assertEquals(401, listTasks(token(user, "another-api")), "another audience");
    assertEquals(200, listTasks(new TaskApi(user).token()), "./dev token issues the audience");
  }
}
