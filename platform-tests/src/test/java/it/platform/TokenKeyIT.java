package it.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceAccessMode;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * Many users, each token seen once (more tokens than Liberty's cache of verified tokens holds), do
 * not pile up copies of the verification key in the services' heaps. With the key given as a PEM
 * file ({@code mp.jwt.verify.publickey.location}) and tokens that name their key ({@code kid}),
 * Liberty 26.0.0.3 reads and parses the file again at every token it has not cached and keeps each
 * copy for 10 minutes, scanning them all at the next: a day's ageing run of 2,000 users held 60,000
 * copies in task-service, its heap 99 % full, 107 creates/s (docs/performance.md, session 18).
 * ./dev gives the key inline ({@code mp.jwt.verify.publickey}), as Kubernetes does.
 */
@ResourceLock(value = PlatformLock.PLATFORM, mode = ResourceAccessMode.READ)
class TokenKeyIT {

  private static final int TOKENS = 1000;

  @Test
  void tokensOfManyUsersDoNotPileUpCopiesOfTheKeyInTheServices() throws Exception {
    for (String[] service :
        List.of(
            new String[] {"task-service", "/api/v1/tasks?limit=1"},
            new String[] {"notification-service", "/api/v1/reminders?limit=1"})) {
      long before = rsaPublicKeys(service[0]);
      String run = "keys-" + UUID.randomUUID().toString().substring(0, 8) + "-";
      URI uri = URI.create(Platform.app(service[0]) + service[1]);
      for (int i = 0; i < TOKENS; i++) {
        int status =
            Platform.send(
                    HttpRequest.newBuilder(uri)
                        .header("Authorization", "Bearer " + BenchTokens.token(run + i))
                        .GET())
                .statusCode();
        assertEquals(200, status, service[0] + " refused a valid token");
      }
      long after = rsaPublicKeys(service[0]);
      // other tests running beside this one verify their tokens too: a few dozen at most
      assertTrue(
          after - before < TOKENS / 10,
          service[0]
              + " holds "
              + (after - before)
              + " more RSA public keys after "
              + TOKENS
              + " users' first requests ("
              + before
              + " before): a copy of the key per token");
    }
  }

  /** Live instances of the JDK's RSA public key in a service's heap (jcmd, after a full GC). */
  private static long rsaPublicKeys(String service) throws IOException, InterruptedException {
    String pid = Files.readString(Platform.DEV.resolve("run/" + service + ".pid")).trim();
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    Process p =
        new ProcessBuilder(jcmd.toString(), pid, "GC.class_histogram")
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, "jcmd failed: " + out);
    return out.lines()
        .filter(l -> l.contains(" sun.security.rsa.RSAPublicKeyImpl "))
        .mapToLong(l -> Long.parseLong(l.trim().split("\\s+")[1]))
        .sum();
  }
}
