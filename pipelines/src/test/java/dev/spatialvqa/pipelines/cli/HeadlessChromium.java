package dev.spatialvqa.pipelines.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Debian's {@code chromium}, headless with the network off, driven over the DevTools protocol on a
 * loopback websocket (the JDK's client; no other dependency). The project's test set-up installs it
 * ({@code apt-get install -y chromium}) when it is missing and the tests run as root; otherwise it
 * fails with a message saying what to install.
 */
final class HeadlessChromium implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Process process;
  private final WebSocket socket;
  private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
  private final List<JsonNode> events = new CopyOnWriteArrayList<>();
  private final AtomicInteger ids = new AtomicInteger();

  /** The chromium binary: on PATH, else installed with apt-get when running as root. */
  static String binary() throws IOException, InterruptedException {
    String found = which();
    if (found != null) {
      return found;
    }
    boolean root = "0".equals(run("id", "-u").trim());
    if (!root || which("apt-get") == null) {
      throw new IllegalStateException(
          "the browser test needs Debian's chromium: install it with `apt-get install -y"
              + " chromium` (the test installs it itself only when it runs as root)");
    }
    String log = aptGet("install", "-y", "-q", "chromium");
    if (which() == null) {
      // stale package lists (a fresh container): update them once and retry
      log += aptGet("update", "-q") + aptGet("install", "-y", "-q", "chromium");
    }
    if (which() == null) {
      throw new IllegalStateException("apt-get install -y chromium failed:\n" + log);
    }
    return which();
  }

  private static String aptGet(String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("apt-get"));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().put("DEBIAN_FRONTEND", "noninteractive");
    Process p = pb.start();
    String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor();
    return log;
  }

  private static String which() throws IOException, InterruptedException {
    return which("chromium");
  }

  private static String which(String name) throws IOException, InterruptedException {
    String out = run("sh", "-c", "command -v " + name + " || true").trim();
    return out.isEmpty() ? null : out;
  }

  private static String run(String... cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor();
    return out;
  }

  /** Starts chromium headless with a fresh profile in {@code profile} and the network disabled. */
  static HeadlessChromium start(Path profile) throws Exception {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                binary(),
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
                "--disable-sync",
                "--disable-extensions",
                "--disable-default-apps",
                "--metrics-recording-only",
                "--no-default-browser-check",
                // no network: every request that is not a local file goes to a closed port
                "--proxy-server=127.0.0.1:9",
                "--proxy-bypass-list=<-loopback>",
                "--host-resolver-rules=MAP * ~NOTFOUND",
                "--remote-debugging-address=127.0.0.1",
                "--remote-debugging-port=0",
                "--window-size=1400,1000",
                "--user-data-dir=" + profile.toAbsolutePath(),
                "about:blank"));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    BufferedReader r =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    Pattern ws = Pattern.compile("DevTools listening on (ws://127\\.0\\.0\\.1:(\\d+)/\\S+)");
    StringBuilder log = new StringBuilder();
    String port = null;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    String line;
    while (System.nanoTime() < deadline && (line = r.readLine()) != null) {
      log.append(line).append('\n');
      Matcher m = ws.matcher(line);
      if (m.find()) {
        port = m.group(2);
        break;
      }
    }
    if (port == null) {
      p.destroyForcibly();
      throw new IllegalStateException("chromium did not start its DevTools endpoint:\n" + log);
    }
    // keep draining its output so that it never blocks on a full pipe
    Thread drain =
        new Thread(
            () -> {
              try {
                while (r.readLine() != null) {
                  // discard
                }
              } catch (IOException ignored) {
                // process ended
              }
            },
            "chromium-output");
    drain.setDaemon(true);
    drain.start();
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    String pageWs = null;
    for (int i = 0; i < 50 && pageWs == null; i++) {
      String list =
          http.send(
                  HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json/list"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString())
              .body();
      for (JsonNode t : JSON.readTree(list)) {
        if ("page".equals(t.path("type").asText())) {
          pageWs = t.get("webSocketDebuggerUrl").asText();
          break;
        }
      }
      if (pageWs == null) {
        Thread.sleep(100);
      }
    }
    if (pageWs == null) {
      p.destroyForcibly();
      throw new IllegalStateException("chromium has no page target");
    }
    return new HeadlessChromium(p, http, pageWs);
  }

  private HeadlessChromium(Process process, HttpClient http, String pageWs) throws Exception {
    this.process = process;
    this.socket =
        http.newWebSocketBuilder()
            .buildAsync(
                URI.create(pageWs),
                new WebSocket.Listener() {
                  private final StringBuilder buf = new StringBuilder();

                  @Override
                  public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                    buf.append(data);
                    if (last) {
                      String msg = buf.toString();
                      buf.setLength(0);
                      try {
                        JsonNode n = JSON.readTree(msg);
                        if (n.has("id")) {
                          CompletableFuture<JsonNode> f = pending.remove(n.get("id").asInt());
                          if (f != null) {
                            f.complete(n);
                          }
                        } else {
                          events.add(n);
                        }
                      } catch (IOException e) {
                        events.add(JSON.createObjectNode().put("unparsable", msg));
                      }
                    }
                    ws.request(1);
                    return null;
                  }
                })
            .get(30, TimeUnit.SECONDS);
  }

  /** Sends a DevTools command and waits for its result; an error reply throws. */
  JsonNode call(String method, ObjectNode params) throws Exception {
    int id = ids.incrementAndGet();
    ObjectNode msg = JSON.createObjectNode();
    msg.put("id", id);
    msg.put("method", method);
    msg.set("params", params == null ? JSON.createObjectNode() : params);
    CompletableFuture<JsonNode> f = new CompletableFuture<>();
    pending.put(id, f);
    socket.sendText(JSON.writeValueAsString(msg), true).get(30, TimeUnit.SECONDS);
    JsonNode reply = f.get(60, TimeUnit.SECONDS);
    if (reply.has("error")) {
      throw new IllegalStateException(method + " failed: " + reply.get("error"));
    }
    return reply.get("result");
  }

  static ObjectNode params() {
    return JSON.createObjectNode();
  }

  /** Events received so far (console messages, exceptions, log entries, page lifecycle). */
  List<JsonNode> events() {
    return events;
  }

  /** Waits for an event of the given method. */
  JsonNode await(String method, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      for (JsonNode e : events) {
        if (method.equals(e.path("method").asText())) {
          return e;
        }
      }
      Thread.sleep(50);
    }
    throw new IllegalStateException("no " + method + " within " + timeout + "; events: " + events);
  }

  /**
   * Console errors, uncaught exceptions and error log entries (failed loads, CSP violations) among
   * the events.
   */
  List<String> errors() {
    List<String> out = new ArrayList<>();
    for (JsonNode e : events) {
      String m = e.path("method").asText();
      JsonNode p = e.path("params");
      if (m.equals("Runtime.exceptionThrown")) {
        out.add("exception: " + p.path("exceptionDetails"));
      } else if (m.equals("Runtime.consoleAPICalled")
          && (p.path("type").asText().equals("error")
              || p.path("type").asText().equals("assert"))) {
        out.add("console." + p.path("type").asText() + ": " + p.path("args"));
      } else if (m.equals("Log.entryAdded")
          && p.path("entry").path("level").asText().equals("error")) {
        out.add("log: " + p.path("entry"));
      }
    }
    return out;
  }

  @Override
  public void close() throws Exception {
    try {
      socket.abort();
    } finally {
      process.destroy();
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
  }

  /** Writes a base64 PNG from Page.captureScreenshot. */
  static byte[] screenshot(JsonNode result, Path file) throws IOException {
    byte[] png = java.util.Base64.getDecoder().decode(result.get("data").asText());
    Files.write(file, png);
    return png;
  }
}
