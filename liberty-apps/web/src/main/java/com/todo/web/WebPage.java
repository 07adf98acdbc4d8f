package com.todo.web;

import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The web page: {@code /app/} and its files (classpath {@code todo-web/}), and {@code /}
 * redirecting to it. Served by this servlet rather than the container's default servlet, which the
 * JAX-RS application at {@code /*} shadows, and so that every file gets the same security headers
 * (a Content-Security-Policy that allows only this origin, for scripts and for the WebSocket).
 */
@WebServlet(urlPatterns = {"", "/app", "/app/*"})
public class WebPage extends HttpServlet {

  static final String CSP =
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
          + " connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

  private static final Pattern FILE = Pattern.compile("[a-z0-9][a-z0-9-]*\\.(html|js|css|svg)");
  private static final Map<String, String> TYPES =
      Map.of(
          "html", "text/html;charset=UTF-8",
          "js", "text/javascript;charset=UTF-8",
          "css", "text/css;charset=UTF-8",
          "svg", "image/svg+xml");

  @Override
  protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
    String path = req.getServletPath() + (req.getPathInfo() == null ? "" : req.getPathInfo());
    if (path.isEmpty() || path.equals("/") || path.equals("/app")) {
      // relative: behind an ingress that terminates TLS the container does not know the scheme
      resp.setStatus(302);
      resp.setHeader("Location", req.getContextPath() + "/app/");
      return;
    }
    String name = path.substring("/app/".length());
    if (name.isEmpty()) name = "index.html";
    if (!FILE.matcher(name).matches()) {
      resp.sendError(404);
      return;
    }
    try (InputStream in = WebPage.class.getResourceAsStream("/todo-web/" + name)) {
      if (in == null) {
        resp.sendError(404);
        return;
      }
      byte[] body = in.readAllBytes();
      resp.setContentType(TYPES.get(name.substring(name.lastIndexOf('.') + 1)));
      resp.setContentLength(body.length);
      // small files, always revalidated: a new build is seen at the next load
      resp.setHeader("Cache-Control", "no-cache");
      resp.setHeader("Content-Security-Policy", CSP);
      resp.setHeader("X-Content-Type-Options", "nosniff");
      resp.setHeader("Referrer-Policy", "no-referrer");
      resp.setHeader("X-Frame-Options", "DENY");
      if (!"HEAD".equals(req.getMethod())) resp.getOutputStream().write(body);
    }
  }
}
