package dev.spatialvqa.core.ingest;

/**
 * A permanent failure to turn a crawl record into a verified image, with a stable reason code. The
 * codes are part of the dead-letter contract (users count and filter on them): never rename one.
 */
public final class FetchException extends Exception {
  private static final long serialVersionUID = 1L;

  // record parsing
  public static final String MALFORMED_RECORD = "malformed_record";
  public static final String MISSING_URL = "missing_url";
  public static final String BAD_URL = "bad_url";
  public static final String BAD_CRAWL_TIME = "bad_crawl_time";
  // network policy and transport
  public static final String SSRF_REFUSED = "ssrf_refused";
  public static final String UNSUPPORTED_SCHEME = "unsupported_scheme";
  public static final String DNS_FAILED = "dns_failed";
  public static final String CONNECT_FAILED = "connect_failed";
  public static final String TIMEOUT = "timeout";
  public static final String TOO_MANY_REDIRECTS = "too_many_redirects";
  public static final String BAD_REDIRECT = "bad_redirect";
  public static final String TOO_LARGE = "too_large";
  public static final String IO_ERROR = "io_error";

  /** Prefix of {@code http_<status>} codes, e.g. {@code http_404}. */
  public static final String HTTP_PREFIX = "http_";

  // content
  public static final String EMPTY_BODY = "empty_body";
  public static final String NOT_AN_IMAGE = "not_an_image";
  public static final String CONTENT_TYPE_MISMATCH = "content_type_mismatch";
  public static final String PIXEL_BOMB = "pixel_bomb";
  public static final String UNDECODABLE = "undecodable";

  private final String reason;

  public FetchException(String reason, String message) {
    super(message);
    this.reason = reason;
  }

  public FetchException(String reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  /** The stable reason code (snake_case). */
  public String reason() {
    return reason;
  }

  public static String httpStatus(int status) {
    return HTTP_PREFIX + status;
  }
}
