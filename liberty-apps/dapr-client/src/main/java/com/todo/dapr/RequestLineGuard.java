package com.todo.dapr;

import static com.todo.events.Jsonp.JSON;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.ws.rs.core.MediaType;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Refuses, with 400 problem+json and before any application code, a request whose path or query is
 * not percent-encoded UTF-8, or whose Content-Type charset the container cannot parse. Every
 * service has it: this library's META-INF/web-fragment.xml maps it to every path, first.
 *
 * <p>Without it such a request got the container's HTML error page, and one with both (an invalid
 * path and {@code Content-Type: application/json; charset="}) a 500: the REST layer answers the
 * path with {@code sendError(400)}, and Open Liberty's error page then fails to parse the charset
 * (StringIndexOutOfBoundsException in SRTServletRequest.getEncodingFromContentType).
 */
public class RequestLineGuard extends HttpFilter {

  private static final long serialVersionUID = 1L;

  @Override
  protected void doFilter(HttpServletRequest req, HttpServletResponse res, FilterChain chain)
      throws IOException, ServletException {
    String[] problem = problem(req.getRequestURI(), req.getQueryString());
    if (problem == null)
      problem = mediaTypes(req.getHeader("Content-Type"), req.getHeader("Accept"));
    if (problem == null) {
      try {
        req.getCharacterEncoding();
      } catch (RuntimeException e) {
        problem =
            new String[] {
              "header", "the charset parameter of the Content-Type header is malformed"
            };
      }
    }
    if (problem == null) {
      chain.doFilter(req, res);
      return;
    }
    res.setStatus(400);
    res.setContentType("application/problem+json");
    res.setCharacterEncoding("UTF-8");
    res.getWriter()
        .write(
            JSON.createObjectBuilder()
                .add("type", "urn:todo:problem:validation")
                .add("title", "Invalid request")
                .add("status", 400)
                .add("detail", problem[0] + ": " + problem[1])
                .add(
                    "errors",
                    JSON.createArrayBuilder()
                        .add(
                            JSON.createObjectBuilder()
                                .add("field", problem[0])
                                .add("message", problem[1])))
                .build()
                .toString());
  }

  /**
   * What is wrong with the Content-Type or Accept header, which the REST layer would refuse with
   * the container's HTML error page, or null when nothing is.
   */
  static String[] mediaTypes(String contentType, String accept) {
    try {
      if (contentType != null && !contentType.isBlank()) MediaType.valueOf(contentType.strip());
    } catch (RuntimeException e) {
      return new String[] {"header", "Content-Type is not a media type"};
    }
    if (accept == null) return null;
    try {
      for (String range : accept.split(",")) {
        if (!range.isBlank()) MediaType.valueOf(range.strip());
      }
    } catch (RuntimeException e) {
      return new String[] {"header", "Accept is not a list of media ranges"};
    }
    return null;
  }

  /**
   * What is wrong with the request line's path or query ({field, message}: the field is {@code
   * path} or {@code query}), or null when nothing is.
   */
  static String[] problem(String rawPath, String rawQuery) {
    if (rawPath != null && !validPercentUtf8(rawPath)) {
      return new String[] {"path", "not percent-encoded UTF-8"};
    }
    if (rawQuery != null && !validPercentUtf8(rawQuery)) {
      return new String[] {"query", "not percent-encoded UTF-8"};
    }
    return null;
  }

  /**
   * True when {@code raw}, with its %XX escapes decoded to bytes, is valid UTF-8 and every % starts
   * an escape. Fast for the usual request: no % means nothing to decode.
   */
  static boolean validPercentUtf8(String raw) {
    if (raw.indexOf('%') < 0) return true;
    ByteBuffer bytes = ByteBuffer.allocate(raw.length() * 3);
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c == '%') {
        if (i + 2 >= raw.length()) return false;
        int hi = Character.digit(raw.charAt(i + 1), 16);
        int lo = Character.digit(raw.charAt(i + 2), 16);
        if (hi < 0 || lo < 0) return false;
        bytes.put((byte) (hi << 4 | lo));
        i += 2;
      } else {
        bytes.put(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
      }
    }
    bytes.flip();
    try {
      StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(bytes);
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }
}
