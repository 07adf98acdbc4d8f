package com.todo.dapr;

import static com.todo.events.Jsonp.JSON;

import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.Provider;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Lets a call into a {@link SidecarOnly} endpoint through only when it carries the app token that
 * the sidecar sends ({@code dapr-api-token: $APP_API_TOKEN}). Without a configured token every such
 * call is refused: the service fails closed.
 */
@Provider
@SidecarOnly
@Priority(Priorities.AUTHENTICATION)
public class AppTokenGuard implements ContainerRequestFilter {

  private static final Logger LOG = Logger.getLogger(AppTokenGuard.class.getName());

  private final byte[] expected =
      ConfigProvider.getConfig()
          .getOptionalValue("APP_API_TOKEN", String.class)
          .filter(t -> !t.isBlank())
          .map(t -> t.getBytes(StandardCharsets.UTF_8))
          .orElse(null);

  @Override
  public void filter(ContainerRequestContext request) {
    String sent = request.getHeaderString(DaprApiTokenFilter.HEADER);
    boolean ok =
        expected != null
            && sent != null
            && MessageDigest.isEqual(expected, sent.getBytes(StandardCharsets.UTF_8));
    if (!ok) {
      LOG.warning(
          () ->
              "refused "
                  + request.getMethod()
                  + " /"
                  + request.getUriInfo().getPath()
                  + ": "
                  + (expected == null
                      ? "APP_API_TOKEN is not configured"
                      : "missing or wrong app token"));
      request.abortWith(
          Response.status(Response.Status.UNAUTHORIZED)
              .type("application/problem+json")
              .entity(
                  JSON.createObjectBuilder()
                      .add("type", "about:blank")
                      .add("title", "Unauthorized")
                      .add("status", 401)
                      .add("detail", "this endpoint accepts calls from the Dapr sidecar only")
                      .build()
                      .toString())
              .build());
    }
  }
}
