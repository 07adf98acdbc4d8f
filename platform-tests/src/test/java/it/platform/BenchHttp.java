package it.platform;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * The benchmark's HTTP/1.1 client: one kept-alive socket, one POST at a time. The load generator
 * shares the two cores with the platform it measures, so it stays as cheap as it can: a request is
 * one write, a response is read to its end (Content-Length or chunked) and only its status is kept.
 * Not a general client: no redirects, no TLS, no 1xx answers.
 */
final class BenchHttp implements AutoCloseable {

  private final String host;
  private final int port;
  private final String path;
  private Socket socket;
  private InputStream in;
  private OutputStream out;

  BenchHttp(URI uri) {
    this.host = uri.getHost();
    this.port = uri.getPort();
    this.path = uri.getRawPath();
  }

  /**
   * POSTs {@code json} with the bearer token; returns the status. A kept-alive connection the
   * server has closed is replaced once; after a failure the socket is closed, so the next call
   * connects anew.
   */
  int post(String token, String json) throws IOException {
    byte[] body = json.getBytes(StandardCharsets.UTF_8);
    byte[] head =
        ("POST "
                + path
                + " HTTP/1.1\r\nHost: "
                + host
                + ":"
                + port
                + "\r\nAuthorization: Bearer "
                + token
                + "\r\nContent-Type: application/json\r\nContent-Length: "
                + body.length
                + "\r\n\r\n")
            .getBytes(StandardCharsets.ISO_8859_1);
    byte[] request = new byte[head.length + body.length];
    System.arraycopy(head, 0, request, 0, head.length);
    System.arraycopy(body, 0, request, head.length, body.length);
    boolean reused = socket != null;
    try {
      return exchange(request);
    } catch (IOException e) {
      close();
      if (!reused) throw e;
    }
    try {
      return exchange(request);
    } catch (IOException e) {
      close();
      throw e;
    }
  }

  private int exchange(byte[] request) throws IOException {
    if (socket == null) {
      socket = new Socket();
      // a server that accepts but does not answer (hung, or another process on the port) fails
      // the request instead of holding the client for the rest of the run
      socket.connect(new java.net.InetSocketAddress(host, port), 5_000);
      socket.setSoTimeout(30_000);
      socket.setTcpNoDelay(true);
      in = new BufferedInputStream(socket.getInputStream(), 8192);
      out = socket.getOutputStream();
    }
    out.write(request);
    out.flush();
    String status = line();
    if (!status.startsWith("HTTP/1.1 ")) throw new IOException("not an HTTP/1.1 answer: " + status);
    int code = Integer.parseInt(status.substring(9, 12));
    long length = -1;
    boolean chunked = false;
    boolean close = false;
    for (String h = line(); !h.isEmpty(); h = line()) {
      String name = h.substring(0, Math.max(0, h.indexOf(':'))).trim();
      String value = h.substring(h.indexOf(':') + 1).trim();
      if (name.equalsIgnoreCase("Content-Length")) length = Long.parseLong(value);
      else if (name.equalsIgnoreCase("Transfer-Encoding"))
        chunked = value.equalsIgnoreCase("chunked");
      else if (name.equalsIgnoreCase("Connection")) close = value.equalsIgnoreCase("close");
    }
    if (chunked) {
      for (long size = chunkSize(); size > 0; size = chunkSize()) {
        skip(size);
        line();
      }
      while (!line().isEmpty()) {
        // trailers
      }
    } else if (length > 0) {
      skip(length);
    }
    if (close) close();
    return code;
  }

  private long chunkSize() throws IOException {
    String l = line();
    int semicolon = l.indexOf(';');
    return Long.parseLong((semicolon < 0 ? l : l.substring(0, semicolon)).trim(), 16);
  }

  private void skip(long n) throws IOException {
    long left = n;
    while (left > 0) {
      long skipped = in.skip(left);
      if (skipped <= 0) {
        if (in.read() < 0) throw new IOException("connection closed in the body");
        skipped = 1;
      }
      left -= skipped;
    }
  }

  private String line() throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream(64);
    for (int c = in.read(); c != '\n'; c = in.read()) {
      if (c < 0) throw new IOException("connection closed");
      if (c != '\r') b.write(c);
    }
    return b.toString(StandardCharsets.ISO_8859_1);
  }

  @Override
  public void close() {
    if (socket != null) {
      try {
        socket.close();
      } catch (IOException e) {
        // nothing to release beyond the socket
      }
    }
    socket = null;
    in = null;
    out = null;
  }
}
