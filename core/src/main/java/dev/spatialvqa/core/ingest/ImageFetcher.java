package dev.spatialvqa.core.ingest;

import dev.spatialvqa.core.ids.ContentIds;
import dev.spatialvqa.schemas.FetchedImage;
import java.io.ByteArrayOutputStream;
import java.net.ConnectException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Fetches image URLs from the open web safely, on the JDK {@link HttpClient}.
 *
 * <ul>
 *   <li>Every URL, the first and each redirect target, passes {@link SsrfGuard#vet} (all resolved
 *       addresses must be allowed). Redirects are followed by hand, at most {@code maxRedirects}.
 *   <li><b>DNS rebinding.</b> For {@code http} the request goes to the vetted address itself: the
 *       URL is rewritten to the address literal and the original {@code Host} header is sent (the
 *       JDK restricts {@code Host}; this class adds it to {@code
 *       jdk.httpclient.allowRestrictedHeaders} before the HTTP client loads). A second lookup by
 *       the client can thus never reach another address. For {@code https} the host name must stay
 *       in the URL (SNI and certificate check), so the client resolves again; it then gets the
 *       JVM's cached answer (positive DNS cache, 30 s by default, {@code
 *       networkaddress.cache.ttl}), the one just vetted. Limitation: if that cache entry expires in
 *       the milliseconds between the check and the connect, or the cache is disabled, an https
 *       rebinding attack could reach an unvetted address.
 *   <li>Connect timeout; {@code readTimeout} bounds the whole response, headers and body, so an
 *       endless slow body ends as {@code timeout}. The byte cap is checked against Content-Length
 *       and enforced while streaming ({@code too_large}).
 *   <li>429 and 5xx are retried with exponential backoff (Retry-After honoured up to 10 s); other
 *       4xx are final ({@code http_<status>}).
 *   <li>Direct connections only (no proxy selector: a proxy would connect around the guard).
 *   <li>At most {@code perHostConcurrency} requests in flight per host (this fetcher's share).
 *   <li>Content-Type and magic bytes must agree with an accepted image format, then {@link
 *       ImageProbe} checks the pixel cap and decodes.
 * </ul>
 *
 * <p>Thread-safe; share one per JVM per configuration. Pure Java (no Beam).
 */
public final class ImageFetcher implements AutoCloseable {
  static final String RESTRICTED_HEADERS_PROPERTY = "jdk.httpclient.allowRestrictedHeaders";
  private static final long MAX_RETRY_AFTER_MILLIS = 10_000;
  private static final int DISCARD_LIMIT = 64 * 1024;
  private static final String ACCEPT = "image/webp,image/png,image/jpeg,image/*;q=0.8";

  static {
    String cur = System.getProperty(RESTRICTED_HEADERS_PROPERTY, "");
    if (!cur.toLowerCase(Locale.ROOT).contains("host")) {
      System.setProperty(RESTRICTED_HEADERS_PROPERTY, cur.isBlank() ? "host" : cur + ",host");
    }
  }

  /** A successful response body. */
  public record Response(URI finalUri, String contentType, byte[] body) {}

  private final FetchConfig config;
  private final SsrfGuard guard;
  private final ImageProbe probe;
  private final HttpClient client;
  private final ConcurrentHashMap<String, Semaphore> perHost = new ConcurrentHashMap<>();

  public ImageFetcher(FetchConfig config) {
    this(config, config.guard());
  }

  public ImageFetcher(FetchConfig config, SsrfGuard guard) {
    this.config = config;
    this.guard = guard;
    this.probe = new ImageProbe(config.maxPixels());
    this.client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER)
            // direct connections only: a proxy would resolve and connect on its own, around the
            // guard
            .proxy(HttpClient.Builder.NO_PROXY)
            .connectTimeout(Duration.ofMillis(config.connectTimeoutMillis()))
            .build();
  }

  public FetchConfig config() {
    return config;
  }

  /**
   * Fetches, verifies and measures the record's image.
   *
   * @throws FetchException for every permanent failure, with its reason code
   * @throws InterruptedException when the calling thread is interrupted
   */
  public FetchedImage fetchImage(CrawlRecord record) throws FetchException, InterruptedException {
    Response r = fetch(record.url());
    ImageFormat sniffed = ImageFormat.sniff(r.body());
    if (sniffed == null) {
      throw new FetchException(
          FetchException.NOT_AN_IMAGE,
          "body is not an image (Content-Type "
              + r.contentType()
              + ", "
              + r.body().length
              + " bytes)");
    }
    String mismatch = sniffed.disagreement(r.contentType());
    if (mismatch != null) {
      throw new FetchException(FetchException.CONTENT_TYPE_MISMATCH, mismatch);
    }
    ProbeResult p = probe.probe(r.body());
    return toRecord(record, r.body(), p);
  }

  /** Builds the record for verified bytes (also used for shards whose images are already local). */
  public static FetchedImage toRecord(CrawlRecord record, byte[] bytes, ProbeResult p) {
    return FetchedImage.newBuilder()
        .setUrl(record.url())
        .setContentHash(ContentIds.sha256Hex(bytes))
        .setFormat(p.format().id())
        .setWidth(p.width())
        .setHeight(p.height())
        .setExifOrientation(p.exifOrientation())
        .setFocalLength35mm(p.focalLength35mm())
        .setBytes(ByteBuffer.wrap(bytes))
        .setCaption(record.caption())
        .setSource(record.source())
        .setEventTime(record.crawlTimeMillis())
        .build();
  }

  /** Fetches a URL under the guard, following redirects; returns the final 2xx response. */
  public Response fetch(String url) throws FetchException, InterruptedException {
    URI cur;
    try {
      cur = new URI(CrawlRecord.checkUrl(url));
    } catch (URISyntaxException e) {
      throw new FetchException(FetchException.BAD_URL, "not a URL: " + url);
    }
    for (int hop = 0; ; hop++) {
      List<InetAddress> vetted = guard.vet(cur);
      HttpResponse<byte[]> resp = withRetries(cur, vetted.get(0));
      int status = resp.statusCode();
      if (status >= 300 && status < 400 && status != 304) {
        String loc = resp.headers().firstValue("location").orElse(null);
        if (loc == null) {
          throw new FetchException(
              FetchException.BAD_REDIRECT, status + " without Location from " + cur);
        }
        if (hop >= config.maxRedirects()) {
          throw new FetchException(
              FetchException.TOO_MANY_REDIRECTS,
              "more than " + config.maxRedirects() + " redirects, last to " + loc);
        }
        try {
          cur = new URI(CrawlRecord.checkUrl(cur.resolve(new URI(loc.strip())).toString()));
        } catch (URISyntaxException | IllegalArgumentException e) {
          throw new FetchException(FetchException.BAD_REDIRECT, "bad Location '" + loc + "'");
        } catch (FetchException e) {
          throw new FetchException(e.reason(), "redirect target: " + e.getMessage());
        }
        continue;
      }
      if (status < 200 || status >= 300) {
        throw new FetchException(
            FetchException.httpStatus(status), "HTTP " + status + " from " + cur);
      }
      if (resp.body() == null || resp.body().length == 0) {
        throw new FetchException(FetchException.EMPTY_BODY, "empty body from " + cur);
      }
      return new Response(cur, resp.headers().firstValue("content-type").orElse(null), resp.body());
    }
  }

  private HttpResponse<byte[]> withRetries(URI uri, InetAddress addr)
      throws FetchException, InterruptedException {
    for (int attempt = 0; ; attempt++) {
      HttpResponse<byte[]> r = once(uri, addr);
      int s = r.statusCode();
      boolean retryable = s == 429 || s >= 500;
      if (!retryable || attempt >= config.maxRetries()) {
        return r;
      }
      long wait = config.retryBackoffMillis() << attempt;
      String ra = r.headers().firstValue("retry-after").orElse(null);
      if (ra != null && ra.strip().matches("\\d{1,6}")) {
        wait = Math.max(wait, Math.min(MAX_RETRY_AFTER_MILLIS, Long.parseLong(ra.strip()) * 1000));
      }
      Thread.sleep(wait);
    }
  }

  private HttpResponse<byte[]> once(URI uri, InetAddress addr)
      throws FetchException, InterruptedException {
    String host = uri.getHost().toLowerCase(Locale.ROOT);
    Semaphore sem = perHost.computeIfAbsent(host, h -> new Semaphore(config.perHostConcurrency()));
    sem.acquire();
    AtomicReference<CappedBody> body = new AtomicReference<>();
    CompletableFuture<HttpResponse<byte[]>> cf = null;
    try {
      HttpRequest req = request(uri, addr);
      cf =
          client.sendAsync(
              req,
              info -> {
                CappedBody b =
                    new CappedBody(info.statusCode(), contentLength(info), config.maxBytes());
                body.set(b);
                return b;
              });
      return cf.get(
          config.connectTimeoutMillis() + config.readTimeoutMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new FetchException(
          FetchException.TIMEOUT,
          "no complete response within " + config.readTimeoutMillis() + " ms from " + uri);
    } catch (ExecutionException e) {
      throw classify(e.getCause(), uri);
    } finally {
      if (cf != null && !cf.isDone()) {
        CappedBody b = body.get();
        if (b != null) {
          b.cancel();
        }
        cf.cancel(true);
      }
      sem.release();
    }
  }

  private HttpRequest request(URI uri, InetAddress addr) throws FetchException {
    HttpRequest.Builder b =
        HttpRequest.newBuilder()
            .GET()
            .timeout(Duration.ofMillis(config.readTimeoutMillis()))
            .header("User-Agent", config.userAgent())
            .header("Accept", ACCEPT);
    boolean literalHost = Cidr.literal(bareHost(uri)) != null;
    if (uri.getScheme().equalsIgnoreCase("http") && !literalHost) {
      // pin the connection to the vetted address: a second DNS answer cannot be used
      String lit =
          addr instanceof Inet6Address
              ? "[" + addr.getHostAddress().split("%")[0] + "]"
              : addr.getHostAddress();
      String pinned =
          "http://"
              + lit
              + (uri.getPort() >= 0 ? ":" + uri.getPort() : "")
              + (uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath())
              + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
      try {
        b.uri(URI.create(pinned))
            .header("Host", uri.getHost() + (uri.getPort() >= 0 ? ":" + uri.getPort() : ""));
        return b.build();
      } catch (IllegalArgumentException e) {
        // the HTTP client was loaded before this class could allow the Host header: fall back to
        // the host name (the JVM's DNS cache then serves the answer just vetted; see class doc)
        b =
            HttpRequest.newBuilder()
                .GET()
                .timeout(Duration.ofMillis(config.readTimeoutMillis()))
                .header("User-Agent", config.userAgent())
                .header("Accept", ACCEPT);
      }
    }
    return b.uri(uri).build();
  }

  private static String bareHost(URI uri) {
    String h = uri.getHost();
    return h.startsWith("[") && h.endsWith("]") ? h.substring(1, h.length() - 1) : h;
  }

  private static long contentLength(HttpResponse.ResponseInfo info) {
    return info.headers().firstValueAsLong("content-length").orElse(-1);
  }

  private static FetchException classify(Throwable t, URI uri) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof FetchException) {
        return (FetchException) c;
      }
      if (c instanceof HttpConnectTimeoutException) {
        return new FetchException(FetchException.TIMEOUT, "connect timed out to " + uri, t);
      }
      if (c instanceof HttpTimeoutException) {
        return new FetchException(FetchException.TIMEOUT, "timed out waiting for " + uri, t);
      }
      if (c instanceof ConnectException) {
        return new FetchException(
            FetchException.CONNECT_FAILED, "cannot connect to " + uri + ": " + c.getMessage(), t);
      }
    }
    return new FetchException(FetchException.IO_ERROR, "I/O error from " + uri + ": " + t, t);
  }

  @Override
  public void close() {
    // HttpClient in Java 17 has no close(); its threads are daemon and end with their references
  }

  /**
   * Collects a body up to a cap, cancelling the transfer when the cap is passed. Non-2xx bodies are
   * discarded (up to 64 KiB, then the transfer is cut).
   */
  static final class CappedBody implements HttpResponse.BodySubscriber<byte[]> {
    private final boolean keep;
    private final long cap;
    private final long declaredLength;
    private final ByteArrayOutputStream buf = new ByteArrayOutputStream();
    private final CompletableFuture<byte[]> result = new CompletableFuture<>();
    private volatile Flow.Subscription subscription;
    private long seen;

    CappedBody(int status, long declaredLength, long cap) {
      this.keep = status >= 200 && status < 300;
      this.cap = cap;
      this.declaredLength = declaredLength;
    }

    @Override
    public CompletionStage<byte[]> getBody() {
      return result;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      subscription = s;
      if (keep && declaredLength > cap) {
        s.cancel();
        result.completeExceptionally(
            new FetchException(
                FetchException.TOO_LARGE, "Content-Length " + declaredLength + " > cap " + cap));
        return;
      }
      s.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(List<ByteBuffer> items) {
      if (result.isDone()) {
        return;
      }
      for (ByteBuffer bb : items) {
        seen += bb.remaining();
        if (!keep) {
          if (seen > DISCARD_LIMIT) {
            subscription.cancel();
            result.complete(new byte[0]);
            return;
          }
          continue;
        }
        if (seen > cap) {
          subscription.cancel();
          result.completeExceptionally(
              new FetchException(
                  FetchException.TOO_LARGE, "body passed the cap of " + cap + " bytes"));
          return;
        }
        byte[] chunk = new byte[bb.remaining()];
        bb.get(chunk);
        buf.write(chunk, 0, chunk.length);
      }
    }

    @Override
    public void onError(Throwable t) {
      result.completeExceptionally(t);
    }

    @Override
    public void onComplete() {
      result.complete(keep ? buf.toByteArray() : new byte[0]);
    }

    void cancel() {
      Flow.Subscription s = subscription;
      if (s != null) {
        s.cancel();
      }
      result.completeExceptionally(new FetchException(FetchException.TIMEOUT, "cancelled"));
    }
  }
}
