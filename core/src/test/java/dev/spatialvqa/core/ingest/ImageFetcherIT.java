package dev.spatialvqa.core.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spatialvqa.core.ids.ContentIds;
import dev.spatialvqa.core.testing.LoopbackImageServer;
import dev.spatialvqa.schemas.FetchedImage;
import java.net.InetAddress;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Against a real loopback server on 127.0.0.2 (allowed by {@code allowNetworks=127.0.0.2/32}), with
 * a canary server on 127.0.0.1 that must never receive a request.
 */
class ImageFetcherIT {
  static LoopbackImageServer server;
  static LoopbackImageServer canary;
  static ImageFetcher fetcher;

  @BeforeAll
  static void start() {
    server = LoopbackImageServer.start("127.0.0.2");
    canary = LoopbackImageServer.start("127.0.0.1");
    fetcher = new ImageFetcher(config());
  }

  static FetchConfig config() {
    return FetchConfig.defaults()
        .withAllowNetworks(List.of("127.0.0.2/32"))
        .withConnectTimeoutMillis(2_000)
        .withReadTimeoutMillis(1_500)
        .withMaxBytes(2L << 20)
        .withRetryBackoffMillis(10)
        .withPerHostConcurrency(2);
  }

  @AfterAll
  static void stop() {
    assertEquals(0, canary.totalHits(), "the guard let a request reach 127.0.0.1");
    server.close();
    canary.close();
  }

  private static FetchedImage get(String path) throws Exception {
    return fetcher.fetchImage(new CrawlRecord(server.url(path), "alt", "test", 1000L));
  }

  private static void assertReason(String reason, String url) {
    FetchException e =
        assertThrows(
            FetchException.class, () -> fetcher.fetchImage(new CrawlRecord(url, null, null, null)));
    assertEquals(reason, e.reason(), url + ": " + e.getMessage());
  }

  @Test
  void fetchesRealImagesOfEachFormat() throws Exception {
    FetchedImage j = get("/img/photo.jpg");
    assertEquals("jpeg", j.getFormat());
    assertEquals(320, j.getWidth());
    assertEquals(240, j.getHeight());
    assertEquals(ContentIds.sha256Hex(LoopbackImageServer.JPEG), j.getContentHash());
    assertEquals(64, j.getContentHash().length());
    assertEquals("alt", j.getCaption());
    assertEquals(1000L, j.getEventTime());
    assertEquals("png", get("/img/photo.png").getFormat());
    assertEquals("webp", get("/img/photo.webp").getFormat());
    assertEquals("webp", get("/img/lossless.webp").getFormat());
    assertEquals(48, get("/img/cmyk.jpg").getHeight());
    FetchedImage exif = get("/img/exif.jpg");
    assertEquals(6, exif.getExifOrientation());
    assertEquals(100, exif.getWidth());
    assertEquals(28.0, exif.getFocalLength35mm());
  }

  @Test
  void rejectsHostileContent() {
    assertReason(FetchException.UNDECODABLE, server.url("/bad/truncated.jpg"));
    assertReason(FetchException.UNDECODABLE, server.url("/bad/corrupt.png"));
    assertReason(FetchException.NOT_AN_IMAGE, server.url("/bad/html-as-jpeg"));
    assertReason(FetchException.NOT_AN_IMAGE, server.url("/bad/page.html"));
    assertReason(FetchException.CONTENT_TYPE_MISMATCH, server.url("/bad/jpeg-as-png"));
    assertReason(FetchException.PIXEL_BOMB, server.url("/bad/bomb.png"));
    assertReason(FetchException.EMPTY_BODY, server.url("/bad/empty"));
  }

  @Test
  void enforcesTheByteCapWhileStreamingAndTheTimeout() {
    assertReason(FetchException.TOO_LARGE, server.url("/bad/huge"));
    assertReason(FetchException.TOO_LARGE, server.url("/bad/huge-declared"));
    assertReason(FetchException.TIMEOUT, server.url("/bad/slow"));
  }

  @Test
  void followsRedirectsWithinTheLimitAndRefusesLoops() throws Exception {
    assertEquals("jpeg", get("/redirect/3").getFormat());
    assertReason(FetchException.TOO_MANY_REDIRECTS, server.url("/redirect/9"));
    assertReason(FetchException.TOO_MANY_REDIRECTS, server.url("/redirect/loop"));
  }

  @Test
  void rechecksEveryRedirectTarget() {
    String toLoopback = canary.url("/img/photo.jpg");
    assertReason(
        FetchException.SSRF_REFUSED,
        server.url("/redirect/to?url=" + URLEncoder.encode(toLoopback, StandardCharsets.UTF_8)));
    assertReason(
        FetchException.SSRF_REFUSED,
        server.url(
            "/redirect/to?url="
                + URLEncoder.encode(
                    "http://169.254.169.254/latest/meta-data/", StandardCharsets.UTF_8)));
    assertReason(
        FetchException.UNSUPPORTED_SCHEME,
        server.url(
            "/redirect/to?url=" + URLEncoder.encode("file:///etc/passwd", StandardCharsets.UTF_8)));
    // 127.0.0.1 stays refused although 127.0.0.2 is allowed
    assertReason(FetchException.SSRF_REFUSED, canary.url("/img/photo.jpg"));
    assertReason(FetchException.SSRF_REFUSED, "http://[::1]:" + canary.port() + "/img/photo.jpg");
  }

  @Test
  void retriesOn5xxAnd429ButNotOn4xx() throws Exception {
    assertEquals("jpeg", get("/flaky/a").getFormat());
    assertEquals(3, server.hits("/flaky/a"));
    assertEquals("jpeg", get("/ratelimited/a").getFormat());
    assertEquals(2, server.hits("/ratelimited/a"));
    assertReason(FetchException.httpStatus(503), server.url("/status/503"));
    assertEquals(3, server.hits("/status/503")); // first try + 2 retries
    assertReason(FetchException.httpStatus(404), server.url("/status/404"));
    assertEquals(1, server.hits("/status/404"));
    assertReason(FetchException.httpStatus(403), server.url("/status/403"));
    assertEquals(1, server.hits("/status/403"));
  }

  @Test
  void pinsPlainHttpToTheVettedAddressAgainstDnsRebinding() throws Exception {
    // first answer allowed, every later one points at 127.0.0.1 (where the canary listens)
    AtomicInteger lookups = new AtomicInteger();
    SsrfGuard rebinding =
        config()
            .guard()
            .withResolver(
                h ->
                    new InetAddress[] {
                      InetAddress.getByAddress(
                          h,
                          lookups.getAndIncrement() == 0
                              ? new byte[] {127, 0, 0, 2}
                              : new byte[] {127, 0, 0, 1})
                    });
    ImageFetcher f = new ImageFetcher(config(), rebinding);
    String url = "http://images.test:" + server.port() + "/img/photo.jpg";
    FetchedImage img = f.fetchImage(new CrawlRecord(url, null, null, null));
    assertEquals(url, img.getUrl());
    assertEquals(1, lookups.get());
    assertEquals("images.test:" + server.port(), server.lastHost("/img/photo.jpg"));
    // a redirect re-resolves: the rebound answer is refused, not followed
    String via = "http://images.test:" + server.port() + "/redirect/1";
    FetchException e =
        assertThrows(
            FetchException.class, () -> f.fetchImage(new CrawlRecord(via, null, null, null)));
    assertEquals(FetchException.SSRF_REFUSED, e.reason());
  }

  @Test
  void limitsConcurrencyPerHost() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(6);
    try {
      List<Future<FetchedImage>> fs = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        String url = server.url("/held/" + i);
        fs.add(pool.submit(() -> fetcher.fetchImage(new CrawlRecord(url, null, null, null))));
      }
      for (Future<FetchedImage> f : fs) {
        assertEquals("jpeg", f.get().getFormat());
      }
      assertTrue(server.maxInFlight() <= 2, "in flight at once: " + server.maxInFlight());
      assertTrue(server.maxInFlight() >= 1);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void reportsConnectFailures() throws Exception {
    int freePort;
    try (java.net.ServerSocket s =
        new java.net.ServerSocket(0, 1, InetAddress.getByName("127.0.0.2"))) {
      freePort = s.getLocalPort();
    }
    assertReason(FetchException.CONNECT_FAILED, "http://127.0.0.2:" + freePort + "/x.jpg");
  }
}
