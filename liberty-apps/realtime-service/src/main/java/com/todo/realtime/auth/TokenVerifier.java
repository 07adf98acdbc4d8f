package com.todo.realtime.auth;

import static com.todo.events.Jsonp.JSON;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Checks the bearer token of a WebSocket upgrade as mpJwt checks those of the REST API, with the
 * same MicroProfile Config ({@code mp.jwt.verify.publickey} or {@code
 * mp.jwt.verify.publickey.location}, {@code mp.jwt.verify.issuer}, {@code
 * mp.jwt.verify.audiences}): RS256 signature, issuer, audience, expiry. The upgrade is refused
 * (401) before the container upgrades, which mpJwt cannot do for a token carried as a subprotocol.
 */
@ApplicationScoped
public class TokenVerifier {

  /** Who a valid token names ({@code sub}) and when it expires. */
  public record Caller(String user, Instant expiresAt) {}

  private volatile PublicKey key;

  /**
   * @return the caller, or empty when the token is malformed, not signed by the issuer's key, of
   *     another issuer or audience, or expired
   */
  public Optional<Caller> verify(String token) {
    if (token == null || token.isBlank()) return Optional.empty();
    try {
      String[] parts = token.split("\\.", -1);
      if (parts.length != 3) return Optional.empty();
      Base64.Decoder b64 = Base64.getUrlDecoder();
      JsonObject header = json(b64.decode(parts[0]));
      if (!"RS256".equals(header.getString("alg", ""))) return Optional.empty();
      Signature rsa = Signature.getInstance("SHA256withRSA");
      rsa.initVerify(publicKey());
      rsa.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
      if (!rsa.verify(b64.decode(parts[2]))) return Optional.empty();
      JsonObject claims = json(b64.decode(parts[1]));
      Config config = ConfigProvider.getConfig();
      String issuer = config.getValue("mp.jwt.verify.issuer", String.class);
      if (!issuer.equals(claims.getString("iss", null))) return Optional.empty();
      String audience =
          config.getOptionalValue("mp.jwt.verify.audiences", String.class).orElse("todo-api");
      if (!hasAudience(claims.get("aud"), audience)) return Optional.empty();
      if (!(claims.get("exp") instanceof jakarta.json.JsonNumber exp)) return Optional.empty();
      Instant expiresAt = Instant.ofEpochSecond(exp.longValue());
      if (!expiresAt.isAfter(Instant.now())) return Optional.empty();
      String user = claims.getString("sub", "");
      if (user.isBlank()) return Optional.empty();
      return Optional.of(new Caller(user, expiresAt));
    } catch (RuntimeException | GeneralSecurityException e) {
      return Optional.empty();
    }
  }

  private static boolean hasAudience(JsonValue aud, String wanted) {
    if (aud instanceof JsonString s) return s.getString().equals(wanted);
    if (aud instanceof jakarta.json.JsonArray list) {
      return list.stream().anyMatch(v -> v instanceof JsonString s && s.getString().equals(wanted));
    }
    return false;
  }

  private static JsonObject json(byte[] bytes) {
    return JSON.createReader(new StringReader(new String(bytes, StandardCharsets.UTF_8)))
        .readObject();
  }

  private PublicKey publicKey() throws GeneralSecurityException {
    PublicKey k = key;
    if (k == null) {
      Config config = ConfigProvider.getConfig();
      String pem =
          config
              .getOptionalValue("mp.jwt.verify.publickey", String.class)
              .orElseGet(
                  () -> read(config.getValue("mp.jwt.verify.publickey.location", String.class)));
      byte[] der =
          Base64.getMimeDecoder()
              .decode(pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", ""));
      k = KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(der));
      key = k;
    }
    return k;
  }

  private static String read(String location) {
    try {
      if (location.startsWith("file:")) return Files.readString(Path.of(URI.create(location)));
      if (location.contains("://")) {
        try (InputStream in = URI.create(location).toURL().openStream()) {
          return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
      }
      return Files.readString(Path.of(location));
    } catch (IOException e) {
      throw new IllegalStateException("cannot read the token key at " + location, e);
    }
  }
}
