package dev.spatialvqa.core.ingest;

import java.io.Serializable;
import java.util.List;

/**
 * Immutable settings of the fetcher. Defaults suit the open web; every {@code withX} validates and
 * names the parameter, the value and the valid range.
 */
public final class FetchConfig implements Serializable {
  private static final long serialVersionUID = 1L;

  private final long connectTimeoutMillis;
  private final long readTimeoutMillis;
  private final long maxBytes;
  private final long maxPixels;
  private final int maxRedirects;
  private final int maxRetries;
  private final long retryBackoffMillis;
  private final int perHostConcurrency;
  private final List<String> allowNetworks;
  private final String userAgent;

  private FetchConfig(
      long connectTimeoutMillis,
      long readTimeoutMillis,
      long maxBytes,
      long maxPixels,
      int maxRedirects,
      int maxRetries,
      long retryBackoffMillis,
      int perHostConcurrency,
      List<String> allowNetworks,
      String userAgent) {
    this.connectTimeoutMillis = connectTimeoutMillis;
    this.readTimeoutMillis = readTimeoutMillis;
    this.maxBytes = maxBytes;
    this.maxPixels = maxPixels;
    this.maxRedirects = maxRedirects;
    this.maxRetries = maxRetries;
    this.retryBackoffMillis = retryBackoffMillis;
    this.perHostConcurrency = perHostConcurrency;
    this.allowNetworks = List.copyOf(allowNetworks);
    this.userAgent = userAgent;
  }

  /**
   * Connect 5 s, whole response 20 s, 20 MiB, 40 megapixels, 5 redirects, 2 retries from 250 ms
   * backoff, 4 concurrent requests per host, no extra allowed networks.
   */
  public static FetchConfig defaults() {
    return new FetchConfig(
        5_000,
        20_000,
        20L << 20,
        40_000_000L,
        5,
        2,
        250,
        4,
        List.of(),
        "spatialvqa-fetch/0.1 (image dataset builder)");
  }

  private static long positive(String name, long v) {
    if (v <= 0) {
      throw new IllegalArgumentException(name + " must be > 0, got " + v);
    }
    return v;
  }

  private static int range(String name, int v, int lo, int hi) {
    if (v < lo || v > hi) {
      throw new IllegalArgumentException(name + " must be in " + lo + ".." + hi + ", got " + v);
    }
    return v;
  }

  public FetchConfig withConnectTimeoutMillis(long v) {
    return new FetchConfig(
        positive("connectTimeoutMillis", v),
        readTimeoutMillis,
        maxBytes,
        maxPixels,
        maxRedirects,
        maxRetries,
        retryBackoffMillis,
        perHostConcurrency,
        allowNetworks,
        userAgent);
  }

  /** Time allowed for the whole response (headers and body) of one request. */
  public FetchConfig withReadTimeoutMillis(long v) {
    return new FetchConfig(
        connectTimeoutMillis,
        positive("readTimeoutMillis", v),
        maxBytes,
        maxPixels,
        maxRedirects,
        maxRetries,
        retryBackoffMillis,
        perHostConcurrency,
        allowNetworks,
        userAgent);
  }

  public FetchConfig withMaxBytes(long v) {
    return new FetchConfig(
        connectTimeoutMillis,
        readTimeoutMillis,
        positive("maxBytes", v),
        maxPixels,
        maxRedirects,
        maxRetries,
        retryBackoffMillis,
        perHostConcurrency,
        allowNetworks,
        userAgent);
  }

  public FetchConfig withMaxPixels(long v) {
    return new FetchConfig(
        connectTimeoutMillis,
        readTimeoutMillis,
        maxBytes,
        positive("maxPixels", v),
        maxRedirects,
        maxRetries,
        retryBackoffMillis,
        perHostConcurrency,
        allowNetworks,
        userAgent);
  }

  public FetchConfig withMaxRedirects(int v) {
    return new FetchConfig(
        connectTimeoutMillis,
        readTimeoutMillis,
        maxBytes,
        maxPixels,
        range("maxRedirects", v, 0, 20),
        maxRetries,
        retryBackoffMillis,
        perHostConcurrency,
        allowNetworks,
        userAgent);
  }

  public FetchConfig withMaxRetries(int v) {
    return new FetchConfig(
        connectTimeoutMillis,
        readTimeoutMillis,
        maxBytes,
        maxPixels,
        maxRedirects,
        range("maxRetries", v, 0, 10),
        retryBackoffMillis,
        perHostConcurrency,
        allowNetworks,
        userAgent);
  }

  public FetchConfig withRetryBackoffMillis(long v) {
    return new FetchConfig(
        connectTimeoutMillis,
        readTimeoutMillis,
        maxBytes,
        maxPixels,
        maxRedirects,
        maxRetries,
        positive("retryBackoffMillis", v),
        perHostConcurrency,
        allowNetworks,
        userAgent);
  }

  public FetchConfig withPerHostConcurrency(int v) {
    return new FetchConfig(
        connectTimeoutMillis,
        readTimeoutMillis,
        maxBytes,
        maxPixels,
        maxRedirects,
        maxRetries,
        retryBackoffMillis,
        range("perHostConcurrency", v, 1, 1024),
        allowNetworks,
        userAgent);
  }

  /** CIDRs allowed although not public (validated here, e.g. {@code 127.0.0.2/32}). */
  public FetchConfig withAllowNetworks(List<String> v) {
    for (String c : v) {
      Cidr.parse(c);
    }
    return new FetchConfig(
        connectTimeoutMillis,
        readTimeoutMillis,
        maxBytes,
        maxPixels,
        maxRedirects,
        maxRetries,
        retryBackoffMillis,
        perHostConcurrency,
        v,
        userAgent);
  }

  public long connectTimeoutMillis() {
    return connectTimeoutMillis;
  }

  public long readTimeoutMillis() {
    return readTimeoutMillis;
  }

  public long maxBytes() {
    return maxBytes;
  }

  public long maxPixels() {
    return maxPixels;
  }

  public int maxRedirects() {
    return maxRedirects;
  }

  public int maxRetries() {
    return maxRetries;
  }

  public long retryBackoffMillis() {
    return retryBackoffMillis;
  }

  public int perHostConcurrency() {
    return perHostConcurrency;
  }

  public List<String> allowNetworks() {
    return allowNetworks;
  }

  public String userAgent() {
    return userAgent;
  }

  /** The guard this configuration implies (system resolver). */
  public SsrfGuard guard() {
    return SsrfGuard.defaults().withAllowNetworks(allowNetworks);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FetchConfig && toString().equals(o.toString());
  }

  @Override
  public int hashCode() {
    return toString().hashCode();
  }

  @Override
  public String toString() {
    return "FetchConfig{connect="
        + connectTimeoutMillis
        + "ms, read="
        + readTimeoutMillis
        + "ms, maxBytes="
        + maxBytes
        + ", maxPixels="
        + maxPixels
        + ", maxRedirects="
        + maxRedirects
        + ", maxRetries="
        + maxRetries
        + ", backoff="
        + retryBackoffMillis
        + "ms, perHost="
        + perHostConcurrency
        + ", allow="
        + allowNetworks
        + "}";
  }
}
