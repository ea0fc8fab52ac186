// fees-service: quotes the handling fee of a loan, 50 cents a book (POST /fees/quote).
//
// Plain JDK (com.sun.net.httpserver), no frameworks and no OpenTelemetry API: the OpenTelemetry
// Java agent (run.sh) traces the server, continues the caller's trace from traceparent and exports
// through the standard OTEL_* environment. No shutdown hook or signal handler of its own: the
// agent registers the JVM shutdown hook that flushes its spans.

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

public final class Fees {
  static final List<String> DEFECTS =
      List.of("missing-span", "wrong-tag", "n-plus-one", "wrong-parent", "crash", "no-export");
  static final int FEE_PER_BOOK_CENTS = 50;
  static final int MAX_BODY_BYTES = 64 * 1024;
  static final Pattern BOOKS = Pattern.compile("\"books\"\\s*:\\s*(-?\\d+)");

  private Fees() {}

  static void fail(String message) {
    System.err.println("fees-service: " + message);
    System.exit(2);
  }

  static int portFromEnv(String name) {
    String text = System.getenv(name);
    if (text == null || text.isEmpty()) fail(name + " is not set: give the port as a number from 1 to 65535");
    try {
      int port = Integer.parseInt(text);
      if (port >= 1 && port <= 65535) return port;
    } catch (NumberFormatException ignored) {
      // reported below
    }
    fail(name + "=" + text + " is not a port: give a number from 1 to 65535");
    return -1;
  }

  /** Validates LOANS_DEFECTS (this service has none of its own, but a typo must not pass silently). */
  static Set<String> activeDefects() {
    String text = System.getenv().getOrDefault("LOANS_DEFECTS", "");
    Set<String> active = new LinkedHashSet<>();
    List<String> unknown = new ArrayList<>();
    for (String raw : text.split(",")) {
      String name = raw.trim();
      if (name.isEmpty()) continue;
      if (name.equals("all")) active.addAll(DEFECTS);
      else if (DEFECTS.contains(name)) active.add(name);
      else unknown.add(name);
    }
    if (!unknown.isEmpty()) {
      fail("LOANS_DEFECTS has unknown defect(s) " + String.join(", ", unknown) + ": use a comma list of "
          + String.join(", ", DEFECTS) + ", or all");
    }
    return active;
  }

  static void send(HttpExchange exchange, int status, String json) throws IOException {
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  static String readBody(HttpExchange exchange) throws IOException {
    try (InputStream in = exchange.getRequestBody()) {
      byte[] bytes = in.readNBytes(MAX_BODY_BYTES + 1);
      if (bytes.length > MAX_BODY_BYTES) return null;
      return new String(bytes, StandardCharsets.UTF_8);
    }
  }

  /** POST /fees/quote {"books": n} → {"fee_cents": 50 * n}. */
  static void fees(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getPath();
    if (!path.equals("/fees/quote")) {
      send(exchange, 404, "{\"error\":\"no route " + exchange.getRequestMethod() + " " + path + "; routes: POST /fees/quote\"}");
      return;
    }
    if (!exchange.getRequestMethod().equals("POST")) {
      send(exchange, 405, "{\"error\":\"use POST /fees/quote\"}");
      return;
    }
    String body = readBody(exchange);
    Matcher books = BOOKS.matcher(body == null ? "" : body);
    int count = books.find() ? Integer.parseInt(books.group(1)) : -1;
    if (count < 1 || count > 100) {
      send(exchange, 400, "{\"error\":\"expected {\\\"books\\\": a number from 1 to 100}\"}");
      return;
    }
    send(exchange, 200, "{\"fee_cents\":" + (FEE_PER_BOOK_CENTS * count) + ",\"books\":" + count + "}");
  }

  static void health(HttpExchange exchange) throws IOException {
    send(exchange, 200, "{\"status\":\"ok\"}");
  }

  public static void main(String[] args) throws IOException {
    int port = portFromEnv("FEES_PORT");
    activeDefects();
    HttpServer server;
    try {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 64);
    } catch (IOException error) {
      fail("cannot listen on 127.0.0.1:" + port + ": " + error.getMessage());
      return;
    }
    // The context is the route: the agent names the server span "POST /fees" (http.route /fees).
    server.createContext("/fees", Fees::fees);
    server.createContext("/health", Fees::health);
    server.setExecutor(Executors.newFixedThreadPool(4));
    server.start();
    System.err.println("fees-service: listening on 127.0.0.1:" + port);
  }
}
