package dev.spatialvqa.core.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback HTTP server (JDK {@code com.sun.net.httpserver}) serving real generated images and
 * hostile responses, bound to one 127.x address only.
 *
 * <p>Fixed paths: {@code /img/photo.jpg} (320x240), {@code /img/photo.png}, {@code
 * /img/photo.webp}, {@code /img/lossless.webp}, {@code /img/exif.jpg} (orientation 6, 35 mm focal
 * 28), {@code /img/cmyk.jpg}; hostile: {@code /bad/truncated.jpg}, {@code /bad/corrupt.png}, {@code
 * /bad/html-as-jpeg} (HTML with an image content type), {@code /bad/page.html}, {@code
 * /bad/jpeg-as-png} (content type disagrees with the bytes), {@code /bad/huge} (endless chunked
 * body), {@code /bad/huge-declared} (Content-Length 100 MB), {@code /bad/bomb.png} (20000x20000),
 * {@code /bad/slow} (an endless body trickled one byte at a time), {@code /bad/empty}; redirects:
 * {@code /redirect/N} (a chain of N hops to the JPEG), {@code /redirect/loop}, {@code
 * /redirect/to?url=U} (to any URL); status: {@code /status/CODE}, {@code /flaky/KEY} (503 twice,
 * then the JPEG), {@code /ratelimited/KEY} (429 with Retry-After: 0 once, then the JPEG), {@code
 * /held/KEY} (the JPEG after 100 ms, counting requests in flight). {@link #put} adds more.
 */
public final class LoopbackImageServer implements AutoCloseable {
  public static final byte[] JPEG = TestImages.jpeg(320, 240, 1);
  public static final byte[] PNG = TestImages.png(160, 120, 2);

  private final HttpServer server;
  private final ExecutorService pool;
  private final String base;
  private final Map<String, AtomicInteger> hits = new ConcurrentHashMap<>();
  private final Map<String, byte[]> bodies = new ConcurrentHashMap<>();
  private final Map<String, String> types = new ConcurrentHashMap<>();
  private final Map<String, String> lastHost = new ConcurrentHashMap<>();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger maxInFlight = new AtomicInteger();
  private volatile boolean closed;

  private LoopbackImageServer(String bindAddress) throws IOException {
    server = HttpServer.create(new InetSocketAddress(bindAddress, 0), 64);
    pool =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "loopback-image-server");
              t.setDaemon(true);
              return t;
            });
    server.setExecutor(pool);
    server.createContext("/", this::handle);
    server.start();
    base = "http://" + bindAddress + ":" + server.getAddress().getPort();
    put("/img/photo.jpg", "image/jpeg", JPEG);
    put("/img/photo.png", "image/png", PNG);
    put("/img/photo.webp", "image/webp", TestImages.webp());
    put("/img/lossless.webp", "image/webp", TestImages.webpLossless());
    put("/img/exif.jpg", "image/jpeg", TestImages.jpegWithExif(200, 100, 6, 28));
    put("/img/cmyk.jpg", "image/jpeg", TestImages.cmykJpeg(64, 48));
    put("/bad/truncated.jpg", "image/jpeg", TestImages.truncated(JPEG));
    put("/bad/corrupt.png", "image/png", TestImages.corruptPng());
    byte[] html =
        "<!doctype html><html><body>not an image</body></html>".getBytes(StandardCharsets.UTF_8);
    put("/bad/html-as-jpeg", "image/jpeg", html);
    put("/bad/page.html", "text/html; charset=utf-8", html);
    put("/bad/jpeg-as-png", "image/png", JPEG);
    put("/bad/bomb.png", "image/png", TestImages.pngBomb(20_000));
  }

  /** Starts a server on the given loopback address (e.g. {@code 127.0.0.2}), on a free port. */
  public static LoopbackImageServer start(String bindAddress) {
    if (!bindAddress.startsWith("127.")) {
      throw new IllegalArgumentException("tests bind to 127.0.0.0/8 only, not " + bindAddress);
    }
    try {
      return new LoopbackImageServer(bindAddress);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public String url(String path) {
    return base + path;
  }

  public int port() {
    return server.getAddress().getPort();
  }

  /** Serves {@code body} with {@code contentType} at {@code path}. */
  public void put(String path, String contentType, byte[] body) {
    bodies.put(path, body);
    types.put(path, contentType);
  }

  /** Requests received for a path (query excluded). */
  public int hits(String path) {
    AtomicInteger n = hits.get(path);
    return n == null ? 0 : n.get();
  }

  /** The Host header of the last request for a path. */
  public String lastHost(String path) {
    return lastHost.get(path);
  }

  /** Total requests received. */
  public int totalHits() {
    return hits.values().stream().mapToInt(AtomicInteger::get).sum();
  }

  /** The most {@code /held/} requests that were in flight at once. */
  public int maxInFlight() {
    return maxInFlight.get();
  }

  private void handle(HttpExchange ex) throws IOException {
    String path = ex.getRequestURI().getPath();
    int n = hits.computeIfAbsent(path, k -> new AtomicInteger()).incrementAndGet();
    try (ex) {
      lastHost.put(path, String.valueOf(ex.getRequestHeaders().getFirst("Host")));
      byte[] body = bodies.get(path);
      if (body != null) {
        send(ex, 200, types.get(path), body);
      } else if (path.startsWith("/redirect/")) {
        redirect(ex, path.substring("/redirect/".length()));
      } else if (path.startsWith("/status/")) {
        send(
            ex,
            Integer.parseInt(path.substring("/status/".length())),
            "text/plain",
            "status".getBytes(StandardCharsets.UTF_8));
      } else if (path.startsWith("/flaky/")) {
        if (n <= 2) {
          send(ex, 503, "text/plain", "busy".getBytes(StandardCharsets.UTF_8));
        } else {
          send(ex, 200, "image/jpeg", JPEG);
        }
      } else if (path.startsWith("/ratelimited/")) {
        if (n <= 1) {
          ex.getResponseHeaders().add("Retry-After", "0");
          send(ex, 429, "text/plain", "slow down".getBytes(StandardCharsets.UTF_8));
        } else {
          send(ex, 200, "image/jpeg", JPEG);
        }
      } else if (path.startsWith("/held/")) {
        int now = inFlight.incrementAndGet();
        maxInFlight.accumulateAndGet(now, Math::max);
        try {
          Thread.sleep(100);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        } finally {
          inFlight.decrementAndGet();
        }
        send(ex, 200, "image/jpeg", JPEG);
      } else if (path.equals("/bad/huge")) {
        endless(ex, 0, 64 * 1024, 0);
      } else if (path.equals("/bad/huge-declared")) {
        endless(ex, 100_000_000L, 64 * 1024, 0);
      } else if (path.equals("/bad/slow")) {
        endless(ex, 0, 1, 50);
      } else if (path.equals("/bad/empty")) {
        ex.getResponseHeaders().add("Content-Type", "image/jpeg");
        ex.sendResponseHeaders(200, -1);
      } else {
        send(ex, 404, "text/plain", "not found".getBytes(StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      // the client hung up (cap, timeout): expected for hostile responses
    }
  }

  private void redirect(HttpExchange ex, String rest) throws IOException {
    String loc;
    if (rest.equals("loop")) {
      loc = "/redirect/loop";
    } else if (rest.equals("to")) {
      String q = ex.getRequestURI().getRawQuery();
      loc = java.net.URLDecoder.decode(q.substring("url=".length()), StandardCharsets.UTF_8);
    } else {
      int hops = Integer.parseInt(rest);
      loc = hops <= 1 ? "/img/photo.jpg" : "/redirect/" + (hops - 1);
    }
    ex.getResponseHeaders().add("Location", loc);
    ex.sendResponseHeaders(302, -1);
  }

  private void endless(HttpExchange ex, long declared, int chunk, long pauseMillis)
      throws IOException {
    ex.getResponseHeaders().add("Content-Type", "image/jpeg");
    ex.sendResponseHeaders(200, declared);
    OutputStream out = ex.getResponseBody();
    out.write(JPEG, 0, 64);
    out.flush();
    byte[] buf = new byte[chunk];
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!closed && System.nanoTime() < deadline) {
      out.write(buf);
      out.flush();
      if (pauseMillis > 0) {
        try {
          Thread.sleep(pauseMillis);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  private static void send(HttpExchange ex, int status, String type, byte[] body)
      throws IOException {
    ex.getResponseHeaders().add("Content-Type", type);
    ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    if (body.length > 0) {
      ex.getResponseBody().write(body);
    }
  }

  @Override
  public void close() {
    closed = true;
    server.stop(0);
    pool.shutdownNow();
  }
}
