package dev.spatialvqa.core.ingest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.Serializable;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Objects;

/**
 * One crawl record: an image URL with its optional alt text, source and crawl time.
 *
 * <p>Parsed from one line of input, either a JSON object ({@code {"url": ..., "caption": ...,
 * "source": ..., "crawl_time": ...}}; {@code alt}/{@code alt_text}/{@code text} are accepted for
 * the caption, as img2dataset and WebDataset shards name it) or a bare URL. {@code crawl_time} is
 * an ISO-8601 instant ({@code 2026-11-22T04:00:00Z}, an offset is allowed) or a number of epoch
 * milliseconds. Parsing checks the URL's syntax only; the network policy is {@link SsrfGuard}'s.
 */
public final class CrawlRecord implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final int MAX_URL_CHARS = 4096;

  private final String url;
  private final String caption;
  private final String source;
  private final Long crawlTimeMillis;

  public CrawlRecord(String url, String caption, String source, Long crawlTimeMillis) {
    this.url = Objects.requireNonNull(url, "url");
    this.caption = caption;
    this.source = source;
    this.crawlTimeMillis = crawlTimeMillis;
  }

  public String url() {
    return url;
  }

  /** Alt text / caption, or null. */
  public String caption() {
    return caption;
  }

  public String source() {
    return source;
  }

  /** Crawl time in epoch millis, or null when the record had none. */
  public Long crawlTimeMillis() {
    return crawlTimeMillis;
  }

  /**
   * Parses one input line (JSON object or bare URL).
   *
   * @throws FetchException with reason {@code malformed_record}, {@code missing_url}, {@code
   *     bad_url} or {@code bad_crawl_time}
   */
  public static CrawlRecord parse(String line) throws FetchException {
    if (line == null || line.isBlank()) {
      throw new FetchException(FetchException.MALFORMED_RECORD, "empty line");
    }
    String s = line.strip();
    if (s.startsWith("{")) {
      JsonNode n;
      try {
        n = JsonLines.read(s);
      } catch (JsonProcessingException e) {
        throw new FetchException(
            FetchException.MALFORMED_RECORD, "not valid JSON: " + JsonLines.describe(e));
      }
      return fromJson(n);
    }
    if (s.startsWith("[") || s.startsWith("\"")) {
      throw new FetchException(
          FetchException.MALFORMED_RECORD, "expected a JSON object or a bare URL");
    }
    if (s.chars().anyMatch(Character::isWhitespace)) {
      throw new FetchException(
          FetchException.BAD_URL, "a bare-URL line must be a single URL without spaces");
    }
    return new CrawlRecord(checkUrl(s), null, null, null);
  }

  /**
   * Builds a record from a parsed JSON object (a crawl record, or a WebDataset/img2dataset json).
   */
  public static CrawlRecord fromJson(JsonNode n) throws FetchException {
    if (n == null || !n.isObject()) {
      throw new FetchException(FetchException.MALFORMED_RECORD, "expected a JSON object");
    }
    JsonNode u = n.get("url");
    if (u == null || u.isNull() || (u.isTextual() && u.asText().isBlank())) {
      throw new FetchException(FetchException.MISSING_URL, "record has no \"url\"");
    }
    if (!u.isTextual()) {
      throw new FetchException(FetchException.BAD_URL, "\"url\" must be a string");
    }
    String caption = text(n, "caption");
    for (String k : new String[] {"alt", "alt_text", "text"}) {
      if (caption == null) {
        caption = text(n, k);
      }
    }
    return new CrawlRecord(
        checkUrl(u.asText().strip()), caption, text(n, "source"), crawlTime(n.get("crawl_time")));
  }

  private static String text(JsonNode n, String key) {
    JsonNode v = n.get(key);
    if (v == null || v.isNull()) {
      return null;
    }
    String t = v.isTextual() ? v.asText() : v.toString();
    return t.isBlank() ? null : t;
  }

  private static Long crawlTime(JsonNode v) throws FetchException {
    if (v == null || v.isNull()) {
      return null;
    }
    if (v.isIntegralNumber()) {
      long ms = v.asLong();
      if (ms < 0) {
        throw new FetchException(FetchException.BAD_CRAWL_TIME, "crawl_time is negative: " + ms);
      }
      return ms;
    }
    if (v.isTextual()) {
      String t = v.asText().strip();
      try {
        return Instant.parse(t).toEpochMilli();
      } catch (DateTimeParseException e) {
        try {
          return OffsetDateTime.parse(t).toInstant().toEpochMilli();
        } catch (DateTimeParseException e2) {
          throw new FetchException(
              FetchException.BAD_CRAWL_TIME,
              "crawl_time is not an ISO-8601 instant or epoch millis: " + t);
        }
      }
    }
    throw new FetchException(
        FetchException.BAD_CRAWL_TIME, "crawl_time must be a string or an integer: " + v);
  }

  /**
   * Syntax check: an absolute http(s) URL with a host. Characters that are illegal in a URI but
   * common in crawled URLs (space, {@code " < > \ ^ ` { | }}) are percent-encoded first, as
   * browsers do; the normalized URL is returned.
   */
  static String checkUrl(String raw) throws FetchException {
    String s = lenient(raw);
    if (s.length() > MAX_URL_CHARS) {
      throw new FetchException(FetchException.BAD_URL, "URL longer than " + MAX_URL_CHARS);
    }
    URI uri;
    try {
      uri = new URI(s);
    } catch (URISyntaxException e) {
      throw new FetchException(FetchException.BAD_URL, "not a URL: " + e.getMessage());
    }
    String scheme = uri.getScheme() == null ? null : uri.getScheme().toLowerCase(Locale.ROOT);
    if (scheme == null || !uri.isAbsolute()) {
      throw new FetchException(FetchException.BAD_URL, "not an absolute URL: " + s);
    }
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new FetchException(
          FetchException.UNSUPPORTED_SCHEME, "only http and https are fetched, not " + scheme);
    }
    if (uri.getHost() == null || uri.getHost().isEmpty()) {
      throw new FetchException(FetchException.BAD_URL, "URL has no host: " + s);
    }
    return s;
  }

  private static String lenient(String s) {
    StringBuilder sb = null;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == ' ' || c == '"' || c == '<' || c == '>' || c == '\\' || c == '^' || c == '`'
          || c == '{' || c == '|' || c == '}') {
        if (sb == null) {
          sb = new StringBuilder(s.substring(0, i));
        }
        sb.append('%').append(String.format("%02X", (int) c));
      } else if (sb != null) {
        sb.append(c);
      }
    }
    return sb == null ? s : sb.toString();
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof CrawlRecord)) {
      return false;
    }
    CrawlRecord r = (CrawlRecord) o;
    return url.equals(r.url)
        && Objects.equals(caption, r.caption)
        && Objects.equals(source, r.source)
        && Objects.equals(crawlTimeMillis, r.crawlTimeMillis);
  }

  @Override
  public int hashCode() {
    return Objects.hash(url, caption, source, crawlTimeMillis);
  }

  @Override
  public String toString() {
    return "CrawlRecord{url=" + url + ", source=" + source + ", crawlTime=" + crawlTimeMillis + "}";
  }
}
