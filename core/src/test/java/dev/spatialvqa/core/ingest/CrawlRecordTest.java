package dev.spatialvqa.core.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class CrawlRecordTest {
  @Test
  void parsesAFullJsonRecord() throws Exception {
    CrawlRecord r =
        CrawlRecord.parse(
            "{\"url\":\"https://example.com/a.jpg\",\"caption\":\"a red chair\",\"source\":\"cc-2026-40\",\"crawl_time\":\"2026-11-22T04:00:00Z\"}");
    assertEquals("https://example.com/a.jpg", r.url());
    assertEquals("a red chair", r.caption());
    assertEquals("cc-2026-40", r.source());
    assertEquals(1795320000000L, r.crawlTimeMillis());
  }

  @Test
  void acceptsAltTextNamesOffsetsAndEpochMillis() throws Exception {
    CrawlRecord r =
        CrawlRecord.parse(
            "{\"url\":\"http://h/x.png\",\"alt\":\"alt words\",\"crawl_time\":1700000000123}");
    assertEquals("alt words", r.caption());
    assertEquals(1700000000123L, r.crawlTimeMillis());
    CrawlRecord o =
        CrawlRecord.parse(
            "{\"url\":\"http://h/x.png\",\"crawl_time\":\"2026-11-22T05:00:00+01:00\"}");
    assertEquals(1795320000000L, o.crawlTimeMillis());
  }

  @Test
  void parsesABareUrlLine() throws Exception {
    CrawlRecord r = CrawlRecord.parse("  https://example.com/b.webp  ");
    assertEquals("https://example.com/b.webp", r.url());
    assertNull(r.caption());
    assertNull(r.crawlTimeMillis());
  }

  @Test
  void percentEncodesCharactersCrawlersLeaveInUrls() throws Exception {
    CrawlRecord r =
        CrawlRecord.parse("{\"url\":\"https://example.com/photos/my chair|v2.jpg?q={1}\"}");
    assertEquals("https://example.com/photos/my%20chair%7Cv2.jpg?q=%7B1%7D", r.url());
  }

  @Test
  void rejectsMalformedLinesWithStableReasons() {
    assertReason(FetchException.MALFORMED_RECORD, "{\"url\": ");
    assertReason(FetchException.MALFORMED_RECORD, "   ");
    assertReason(FetchException.MALFORMED_RECORD, "[\"http://h/a.jpg\"]");
    assertReason(FetchException.MISSING_URL, "{\"caption\":\"no url\"}");
    assertReason(FetchException.BAD_URL, "{\"url\":42}");
    assertReason(FetchException.BAD_URL, "not a url at all");
    assertReason(FetchException.BAD_URL, "{\"url\":\"http://exa mple.com/a.jpg\"}");
    assertReason(FetchException.BAD_URL, "relative/path.jpg");
    assertReason(FetchException.UNSUPPORTED_SCHEME, "file:///etc/passwd");
    assertReason(FetchException.UNSUPPORTED_SCHEME, "{\"url\":\"gopher://h/x\"}");
    assertReason(
        FetchException.BAD_CRAWL_TIME, "{\"url\":\"http://h/a.jpg\",\"crawl_time\":\"yesterday\"}");
    assertReason(FetchException.BAD_CRAWL_TIME, "{\"url\":\"http://h/a.jpg\",\"crawl_time\":-5}");
  }

  private static void assertReason(String reason, String line) {
    FetchException e = assertThrows(FetchException.class, () -> CrawlRecord.parse(line), line);
    assertEquals(reason, e.reason(), line + ": " + e.getMessage());
  }
}
