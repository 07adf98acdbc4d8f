package it.platform;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Tokens for the benchmarks' users (and for the audience test), signed here as {@code ./dev token}
 * signs them (make_token in platform/lib/components.sh: RS256 with {@code
 * .dev/secrets/jwt-private.pem}, the same claims, valid 12 hours). {@code ./dev token} is a shell
 * process per user, about a second each on the busy 2-core machine: the full run's ~370 users took
 * minutes before a phase could start.
 */
final class BenchTokens {
  private BenchTokens() {}

  /** make_token's JWT_ISSUER. */
  static final String ISSUER = "https://dev.todo.local";

  private static PrivateKey key;
  private static final SecureRandom RANDOM = new SecureRandom();

  static String token(String user) {
    return token(user, "todo-api");
  }

  /** A token for another audience ({@code aud} left out when null), as the audience test needs. */
  static String token(String user, String audience) {
    return token(user, audience, java.time.Instant.now().plusSeconds(43200));
  }

  /**
   * A token that expires at {@code expiresAt} (in the past for an expired one), issued 10 minutes
   * before it or now, whichever is earlier.
   */
  static synchronized String token(String user, String audience, java.time.Instant expiresAt) {
    try {
      if (key == null) {
        String pem =
            Files.readString(Platform.DEV.resolve("secrets/jwt-private.pem"))
                .replaceAll("-----[A-Z ]+-----", "")
                .replaceAll("\\s", "");
        key =
            KeyFactory.getInstance("RSA")
                .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(pem)));
      }
      long exp = expiresAt.getEpochSecond();
      long iat = Math.min(System.currentTimeMillis() / 1000, exp - 600);
      byte[] jti = new byte[12];
      RANDOM.nextBytes(jti);
      String header = b64("{\"alg\":\"RS256\",\"typ\":\"JWT\",\"kid\":\"dev\"}");
      String payload =
          b64(
              String.format(
                  "{\"iss\":\"%s\",%s\"sub\":\"%s\",\"upn\":\"%s\","
                      + "\"groups\":[\"user\"],\"iat\":%d,\"exp\":%d,\"jti\":\"%s\"}",
                  ISSUER,
                  audience == null ? "" : "\"aud\":\"" + audience + "\",",
                  user,
                  user,
                  iat,
                  exp,
                  HexFormat.of().formatHex(jti)));
      Signature rsa = Signature.getInstance("SHA256withRSA");
      rsa.initSign(key);
      rsa.update((header + "." + payload).getBytes(StandardCharsets.US_ASCII));
      return header
          + "."
          + payload
          + "."
          + Base64.getUrlEncoder().withoutPadding().encodeToString(rsa.sign());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot sign a token", e);
    }
  }

  private static String b64(String json) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }
}
