package com.todo.realtime.interfaces.websocket;

import com.todo.realtime.application.EventLog;
import com.todo.realtime.auth.TokenVerifier;
import jakarta.inject.Inject;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.server.ServerContainer;
import jakarta.websocket.server.ServerEndpointConfig;
import java.io.IOException;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * {@code /ws/v1/events} (docs/api.md): checks the token of the upgrade request (header {@code
 * Authorization: Bearer <JWT>}, or subprotocol {@code bearer.<JWT>} next to {@code todo-events.v1})
 * and refuses with 401 <em>before</em> upgrading, then upgrades this request to a {@link
 * Connection} of the token's user (Jakarta WebSocket 2.1 {@code upgradeHttpToWebSocket}: Open
 * Liberty commits the upgrade before a configurator could refuse it). An instance that holds its
 * most connections ({@link Connections}) refuses the upgrade with 503 and {@code Retry-After}.
 */
@WebServlet(urlPatterns = EventsSocket.PATH)
public class EventsSocket extends HttpServlet {

  static final String PATH = "/ws/v1/events";
  static final String SUBPROTOCOL = "todo-events.v1";
  private static final String BEARER_PROTOCOL = "bearer.";
  private static final String RETRY_AFTER_SECONDS = "5";
  private static final Pattern UUID_FORM =
      Pattern.compile(
          "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

  @Inject TokenVerifier tokens;
  @Inject Connections connections;
  @Inject EventLog log;

  @Inject
  @ConfigProperty(name = "realtime.send-queue.max", defaultValue = "512")
  int maxQueued;

  @Override
  protected void service(HttpServletRequest req, HttpServletResponse resp)
      throws ServletException, IOException {
    Optional<TokenVerifier.Caller> caller = tokens.verify(token(req));
    if (caller.isEmpty()) {
      resp.setHeader("WWW-Authenticate", "Bearer");
      problem(
          resp,
          401,
          "urn:todo:problem:unauthorized",
          "Unauthorized",
          "a valid bearer token is required (Authorization header or subprotocol bearer.<JWT>)");
      return;
    }
    if (!"websocket".equalsIgnoreCase(req.getHeader("Upgrade"))) {
      problem(
          resp,
          400,
          "urn:todo:problem:websocket-upgrade-required",
          "WebSocket upgrade required",
          PATH + " is a WebSocket endpoint: send a WebSocket upgrade request");
      return;
    }
    String after = req.getParameter("after");
    if (after != null && !UUID_FORM.matcher(after).matches()) {
      problem(
          resp,
          400,
          "urn:todo:problem:validation",
          "Invalid request",
          "after must be the id (a UUID) of the last event the client received");
      return;
    }
    Connection connection =
        new Connection(
            caller.get().user(),
            caller.get().expiresAt(),
            after,
            connections.hub(),
            log,
            maxQueued);
    if (!connections.letIn(connection)) {
      // the client backs off and comes again, to this instance or (in Kubernetes) another
      resp.setHeader("Retry-After", RETRY_AFTER_SECONDS);
      problem(
          resp,
          503,
          "urn:todo:problem:over-capacity",
          "Too many connections",
          "this instance holds its most connections ("
              + connections.limit()
              + "): connect again later");
      return;
    }
    ServerEndpointConfig config =
        ServerEndpointConfig.Builder.create(Connection.class, PATH)
            .subprotocols(List.of(SUBPROTOCOL))
            .configurator(
                new ServerEndpointConfig.Configurator() {
                  @Override
                  public <T> T getEndpointInstance(Class<T> endpointClass) {
                    return endpointClass.cast(connection);
                  }
                })
            .build();
    ServerContainer container =
        (ServerContainer) getServletContext().getAttribute(ServerContainer.class.getName());
    try {
      container.upgradeHttpToWebSocket(req, resp, config, Map.of());
    } catch (DeploymentException e) {
      connections.upgradeFailed(connection);
      throw new ServletException(e);
    } catch (IOException | RuntimeException e) {
      connections.upgradeFailed(connection);
      throw e;
    }
    // the container opens an HTTP session for the upgrade; nothing uses it, and it would hold
    // memory for its timeout (30 min) after every connection
    jakarta.servlet.http.HttpSession session = req.getSession(false);
    if (session != null) {
      try {
        session.invalidate();
      } catch (IllegalStateException alreadyInvalid) {
        // nothing to release
      }
    }
  }

  /** The bearer token of the header, else of the subprotocol list; null when there is none. */
  static String token(HttpServletRequest req) {
    String header = req.getHeader("Authorization");
    if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return header.substring(7).strip();
    }
    Enumeration<String> protocols = req.getHeaders("Sec-WebSocket-Protocol");
    while (protocols != null && protocols.hasMoreElements()) {
      for (String p : protocols.nextElement().split(",")) {
        String name = p.strip();
        if (name.startsWith(BEARER_PROTOCOL)) return name.substring(BEARER_PROTOCOL.length());
      }
    }
    return null;
  }

  private static void problem(
      HttpServletResponse resp, int status, String type, String title, String detail)
      throws IOException {
    resp.setStatus(status);
    resp.setContentType("application/problem+json");
    resp.setCharacterEncoding("UTF-8");
    resp.getWriter()
        .write(
            com.todo.events.Jsonp.JSON
                .createObjectBuilder()
                .add("type", type)
                .add("title", title)
                .add("status", status)
                .add("detail", detail)
                .build()
                .toString());
  }
}
