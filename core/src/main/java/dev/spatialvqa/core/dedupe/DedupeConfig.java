package dev.spatialvqa.core.dedupe;

import dev.spatialvqa.core.embed.TextEmbedders;
import java.io.Serializable;
import java.time.Duration;

/**
 * Immutable configuration of {@code DedupeEmbeddings} and {@code DedupeQaTexts}.
 *
 * <ul>
 *   <li>{@code threshold}: an element is a duplicate when its cosine similarity to a kept one is
 *       strictly above this (default 0.92).
 *   <li>{@code window}: {@link WindowKind#FIXED} event-time windows of {@code windowSize}
 *       (duplicates are looked for within the same window), or {@link WindowKind#SLIDING}: a
 *       look-back of {@code windowSize} of event time before each element (default fixed, 10
 *       minutes).
 *   <li>{@code allowedLateness}: how late (behind the watermark) an element may arrive and still be
 *       compared; state lives until window end + lateness (default 1 minute).
 *   <li>{@code bands} x {@code bitsPerBand}: LSH keys (default 8 x 6: pairs at cosine 0.95 share a
 *       key with probability 0.998, at 0.92 0.98, unrelated ones (cosine 0) 0.12).
 *   <li>{@code maxKeptPerKey}: the bound of each key's state; the oldest entry is evicted (default
 *       64).
 *   <li>{@code seed}: of the LSH hyperplanes (every worker must agree; default 20240601).
 *   <li>{@code embedder}: {@link TextEmbedders} spec for text embedding (default {@code minilm}).
 * </ul>
 */
public final class DedupeConfig implements Serializable {
  private static final long serialVersionUID = 1L;

  /** How the event-time window is formed. */
  public enum WindowKind {
    FIXED,
    SLIDING
  }

  private final double threshold;
  private final WindowKind windowKind;
  private final Duration windowSize;
  private final Duration allowedLateness;
  private final int bands;
  private final int bitsPerBand;
  private final int maxKeptPerKey;
  private final long seed;
  private final String embedder;
  private final boolean coordinateBands;

  private DedupeConfig(
      double threshold,
      WindowKind windowKind,
      Duration windowSize,
      Duration allowedLateness,
      int bands,
      int bitsPerBand,
      int maxKeptPerKey,
      long seed,
      String embedder,
      boolean coordinateBands) {
    this.threshold = threshold;
    this.windowKind = windowKind;
    this.windowSize = windowSize;
    this.allowedLateness = allowedLateness;
    this.bands = bands;
    this.bitsPerBand = bitsPerBand;
    this.maxKeptPerKey = maxKeptPerKey;
    this.seed = seed;
    this.embedder = embedder;
    this.coordinateBands = coordinateBands;
  }

  public static DedupeConfig defaults() {
    return new DedupeConfig(
        0.92,
        WindowKind.FIXED,
        Duration.ofMinutes(10),
        Duration.ofMinutes(1),
        8,
        6,
        64,
        20240601L,
        TextEmbedders.DEFAULT,
        false);
  }

  public DedupeConfig withThreshold(double t) {
    if (!(t > 0 && t <= 1)) {
      throw new IllegalArgumentException("threshold must be in (0, 1], got " + t);
    }
    return new DedupeConfig(
        t,
        windowKind,
        windowSize,
        allowedLateness,
        bands,
        bitsPerBand,
        maxKeptPerKey,
        seed,
        embedder,
        coordinateBands);
  }

  public DedupeConfig withFixedWindow(Duration size) {
    return withWindow(WindowKind.FIXED, size);
  }

  public DedupeConfig withSlidingWindow(Duration size) {
    return withWindow(WindowKind.SLIDING, size);
  }

  public DedupeConfig withWindow(WindowKind kind, Duration size) {
    if (kind == null) {
      throw new IllegalArgumentException("window kind must be fixed or sliding, got null");
    }
    if (size == null || size.toMillis() <= 0) {
      throw new IllegalArgumentException("window size must be > 0, got " + size);
    }
    return new DedupeConfig(
        threshold,
        kind,
        size,
        allowedLateness,
        bands,
        bitsPerBand,
        maxKeptPerKey,
        seed,
        embedder,
        coordinateBands);
  }

  public DedupeConfig withAllowedLateness(Duration lateness) {
    if (lateness == null || lateness.toMillis() < 0) {
      throw new IllegalArgumentException("allowedLateness must be >= 0, got " + lateness);
    }
    return new DedupeConfig(
        threshold,
        windowKind,
        windowSize,
        lateness,
        bands,
        bitsPerBand,
        maxKeptPerKey,
        seed,
        embedder,
        coordinateBands);
  }

  public DedupeConfig withBands(int bands, int bitsPerBand) {
    if (bands < 1 || bands > 64) {
      throw new IllegalArgumentException("bands must be in [1, 64], got " + bands);
    }
    if (bitsPerBand < 1 || bitsPerBand > 30) {
      throw new IllegalArgumentException("bitsPerBand must be in [1, 30], got " + bitsPerBand);
    }
    return new DedupeConfig(
        threshold,
        windowKind,
        windowSize,
        allowedLateness,
        bands,
        bitsPerBand,
        maxKeptPerKey,
        seed,
        embedder,
        coordinateBands);
  }

  public DedupeConfig withMaxKeptPerKey(int max) {
    if (max < 1 || max > 100_000) {
      throw new IllegalArgumentException("maxKeptPerKey must be in [1, 100000], got " + max);
    }
    return new DedupeConfig(
        threshold,
        windowKind,
        windowSize,
        allowedLateness,
        bands,
        bitsPerBand,
        max,
        seed,
        embedder,
        coordinateBands);
  }

  public DedupeConfig withSeed(long s) {
    return new DedupeConfig(
        threshold,
        windowKind,
        windowSize,
        allowedLateness,
        bands,
        bitsPerBand,
        maxKeptPerKey,
        s,
        embedder,
        coordinateBands);
  }

  public DedupeConfig withEmbedder(String spec) {
    if (spec == null || spec.isBlank()) {
      throw new IllegalArgumentException(
          "embedder must be a spec such as 'minilm', got '" + spec + "'");
    }
    return new DedupeConfig(
        threshold,
        windowKind,
        windowSize,
        allowedLateness,
        bands,
        bitsPerBand,
        maxKeptPerKey,
        seed,
        spec.trim(),
        coordinateBands);
  }

  /**
   * Band keys from the signs of disjoint groups of {@code bitsPerBand} consecutive coordinates
   * instead of random hyperplanes: for sign vectors (a perceptual hash as {@code +-1}) band {@code
   * b} is bits {@code [b * bitsPerBand, (b + 1) * bitsPerBand)} of the hash, so two hashes at most
   * {@code bands - 1} bits apart share a key with certainty (pigeonhole). Needs {@code bands *
   * bitsPerBand <= dimension}.
   */
  public DedupeConfig withCoordinateBands(boolean on) {
    return new DedupeConfig(
        threshold,
        windowKind,
        windowSize,
        allowedLateness,
        bands,
        bitsPerBand,
        maxKeptPerKey,
        seed,
        embedder,
        on);
  }

  public boolean coordinateBands() {
    return coordinateBands;
  }

  public double threshold() {
    return threshold;
  }

  public WindowKind windowKind() {
    return windowKind;
  }

  public Duration windowSize() {
    return windowSize;
  }

  public Duration allowedLateness() {
    return allowedLateness;
  }

  public int bands() {
    return bands;
  }

  public int bitsPerBand() {
    return bitsPerBand;
  }

  public int maxKeptPerKey() {
    return maxKeptPerKey;
  }

  public long seed() {
    return seed;
  }

  public String embedder() {
    return embedder;
  }

  /**
   * Upper bound of the kept-embedding state per live window, in bytes: every band key holds at most
   * {@code maxKeptPerKey} entries of {@code 4 * dimension + ~64} bytes and there are at most {@code
   * bands * 2^bitsPerBand} keys (fewer when fewer elements arrived).
   */
  public long stateBoundBytes(int dimension) {
    long keys = (long) bands << bitsPerBand;
    return keys * maxKeptPerKey * (4L * dimension + 64);
  }

  /**
   * How many probes one band key and window may buffer before its flush timer fires (so that they
   * are compared in the canonical order): {@code 4 * maxKeptPerKey}. Past it, a probe is compared
   * at once (arrival order then matters for that key; counted {@code dedupe_buffer_full}).
   */
  public int maxPendingPerKey() {
    return 4 * maxKeptPerKey;
  }

  /**
   * Upper bound of the buffered-probe state per live window, in bytes, without payloads (only band
   * 0's probe carries the element's payload): {@code bands * 2^bitsPerBand} keys x {@link
   * #maxPendingPerKey} probes of {@code 4 * dimension + ~64} bytes. Buffers are emptied when the
   * watermark passes the window's end (fixed) or each probe's timestamp (sliding).
   */
  public long pendingBoundBytes(int dimension) {
    long keys = (long) bands << bitsPerBand;
    return keys * maxPendingPerKey() * (4L * dimension + 64);
  }

  @Override
  public String toString() {
    return "DedupeConfig{threshold="
        + threshold
        + ", window="
        + windowKind
        + " "
        + windowSize
        + ", lateness="
        + allowedLateness
        + ", bands="
        + bands
        + "x"
        + bitsPerBand
        + (coordinateBands ? " (coordinate signs)" : "")
        + ", maxKeptPerKey="
        + maxKeptPerKey
        + ", seed="
        + seed
        + ", embedder="
        + embedder
        + "}";
  }
}
