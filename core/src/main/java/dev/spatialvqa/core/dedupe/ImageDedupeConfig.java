package dev.spatialvqa.core.dedupe;

import java.io.Serializable;
import java.time.Duration;

/**
 * Configuration of scene dedupe ({@code DedupeScenes}): a scene is dropped when its image is the
 * same (sha256 of the bytes) as, or a near-duplicate of, a scene kept at most {@code ttl} earlier
 * in event time.
 *
 * <ul>
 *   <li>{@code ttl}: how long a kept scene's signature is remembered (default 30 days: re-crawls
 *       arrive days apart). State is expired by event-time timers.
 *   <li>{@code maxHammingDistance}: perceptual hashes ({@link PerceptualHash}) at most this many
 *       bits apart are near-duplicates (default 8). Why 8: two unrelated images' hashes differ in
 *       about Binomial(64, 1/2) bits, and {@code P(d <= 8) = 2.8e-10} per pair (at 10 it is 1e-8,
 *       at 12 2.3e-7), so even 10^5 scenes alive in the state (5e9 pairs) expect ~1 false pair;
 *       planted re-encoded, resized and watermarked copies of the real test scenes are 0-2 bits
 *       apart, 5% crops 4-6 (see {@code PerceptualHashTest} and {@code bench dedupe}).
 *   <li>{@code clipThreshold}: CLIP image embeddings with cosine strictly above this are
 *       near-duplicates (default 0.95), used when a CLIP vision model is configured.
 *   <li>Perceptual-hash keys: {@code maxHammingDistance + 1} bands of {@code 64 / (maxHamming + 1)}
 *       hash bits each (default 9 x 7), disjoint, so two hashes within the distance share a key
 *       with certainty (pigeonhole: 8 differing bits cannot touch 9 bands): no LSH misses.
 *   <li>{@code bands} x {@code bitsPerBand}: random-hyperplane LSH keys of the CLIP embedding
 *       (default 16 x 8: pairs at cosine 0.95 share a key with probability 0.9999).
 *   <li>{@code maxKeptPerKey}: the bound of each key's state; the oldest entry is evicted (default
 *       1024: with 128 keys per hash band about 130,000 distinct scenes fit in a TTL before
 *       eviction starts; counted {@code dedupe_state_evicted}).
 *   <li>{@code allowedLateness}: how much later than its TTL a key's state is cleared (default 1
 *       minute).
 * </ul>
 */
public final class ImageDedupeConfig implements Serializable {
  private static final long serialVersionUID = 1L;

  public static final Duration DEFAULT_TTL = Duration.ofDays(30);
  public static final int DEFAULT_MAX_HAMMING = 8;
  public static final double DEFAULT_CLIP_THRESHOLD = 0.95;
  public static final int DEFAULT_BANDS = 16;
  public static final int DEFAULT_BITS_PER_BAND = 8;
  public static final int DEFAULT_MAX_KEPT_PER_KEY = 1024;

  private final Duration ttl;
  private final int maxHammingDistance;
  private final double clipThreshold;
  private final int bands;
  private final int bitsPerBand;
  private final int maxKeptPerKey;
  private final Duration allowedLateness;
  private final long seed;

  private ImageDedupeConfig(
      Duration ttl,
      int maxHammingDistance,
      double clipThreshold,
      int bands,
      int bitsPerBand,
      int maxKeptPerKey,
      Duration allowedLateness,
      long seed) {
    if (ttl == null || ttl.toMillis() <= 0) {
      throw new IllegalArgumentException("dedupe TTL must be > 0, got " + ttl);
    }
    if (maxHammingDistance < 0 || maxHammingDistance >= PerceptualHash.BITS / 4) {
      throw new IllegalArgumentException(
          "max Hamming distance must be in [0, 15] (at 16 unrelated images match with"
              + " probability 1e-5 per pair), got "
              + maxHammingDistance);
    }
    if (!(clipThreshold > 0 && clipThreshold < 1)) {
      throw new IllegalArgumentException("CLIP threshold must be in (0, 1), got " + clipThreshold);
    }
    if (maxKeptPerKey < 1) {
      throw new IllegalArgumentException("maxKeptPerKey must be >= 1, got " + maxKeptPerKey);
    }
    if (allowedLateness == null || allowedLateness.isNegative()) {
      throw new IllegalArgumentException("allowed lateness must be >= 0, got " + allowedLateness);
    }
    // bands and bits are validated by DedupeConfig.withBands
    this.ttl = ttl;
    this.maxHammingDistance = maxHammingDistance;
    this.clipThreshold = clipThreshold;
    this.bands = bands;
    this.bitsPerBand = bitsPerBand;
    this.maxKeptPerKey = maxKeptPerKey;
    this.allowedLateness = allowedLateness;
    this.seed = seed;
    phashDedupe();
    clipDedupe();
  }

  public static ImageDedupeConfig defaults() {
    return new ImageDedupeConfig(
        DEFAULT_TTL,
        DEFAULT_MAX_HAMMING,
        DEFAULT_CLIP_THRESHOLD,
        DEFAULT_BANDS,
        DEFAULT_BITS_PER_BAND,
        DEFAULT_MAX_KEPT_PER_KEY,
        Duration.ofMinutes(1),
        20240601L);
  }

  public ImageDedupeConfig withTtl(Duration d) {
    return new ImageDedupeConfig(
        d,
        maxHammingDistance,
        clipThreshold,
        bands,
        bitsPerBand,
        maxKeptPerKey,
        allowedLateness,
        seed);
  }

  public ImageDedupeConfig withMaxHammingDistance(int d) {
    return new ImageDedupeConfig(
        ttl, d, clipThreshold, bands, bitsPerBand, maxKeptPerKey, allowedLateness, seed);
  }

  public ImageDedupeConfig withClipThreshold(double t) {
    return new ImageDedupeConfig(
        ttl, maxHammingDistance, t, bands, bitsPerBand, maxKeptPerKey, allowedLateness, seed);
  }

  public ImageDedupeConfig withBands(int b, int bits) {
    return new ImageDedupeConfig(
        ttl, maxHammingDistance, clipThreshold, b, bits, maxKeptPerKey, allowedLateness, seed);
  }

  public ImageDedupeConfig withMaxKeptPerKey(int m) {
    return new ImageDedupeConfig(
        ttl, maxHammingDistance, clipThreshold, bands, bitsPerBand, m, allowedLateness, seed);
  }

  public ImageDedupeConfig withAllowedLateness(Duration l) {
    return new ImageDedupeConfig(
        ttl, maxHammingDistance, clipThreshold, bands, bitsPerBand, maxKeptPerKey, l, seed);
  }

  public Duration ttl() {
    return ttl;
  }

  public int maxHammingDistance() {
    return maxHammingDistance;
  }

  public double clipThreshold() {
    return clipThreshold;
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

  public Duration allowedLateness() {
    return allowedLateness;
  }

  /**
   * The cosine threshold on {@link PerceptualHash#asVector} vectors: half-way between the cosines
   * at {@code maxHammingDistance} and one more bit, so "strictly above" means "at most {@code
   * maxHammingDistance} bits apart".
   */
  public double phashCosineThreshold() {
    return (PerceptualHash.cosineAtDistance(maxHammingDistance)
            + PerceptualHash.cosineAtDistance(maxHammingDistance + 1))
        / 2;
  }

  /** The embedding-dedupe config of the perceptual-hash stage (sliding look-back of the TTL). */
  public DedupeConfig phashDedupe() {
    int bands = maxHammingDistance + 1;
    return base()
        .withThreshold(phashCosineThreshold())
        .withBands(bands, Math.min(30, PerceptualHash.BITS / bands))
        .withCoordinateBands(true);
  }

  /** The embedding-dedupe config of the CLIP stage. */
  public DedupeConfig clipDedupe() {
    return base().withThreshold(clipThreshold);
  }

  private DedupeConfig base() {
    return DedupeConfig.defaults()
        .withSlidingWindow(ttl)
        .withAllowedLateness(allowedLateness)
        .withBands(bands, bitsPerBand)
        .withMaxKeptPerKey(maxKeptPerKey)
        .withSeed(seed);
  }

  /**
   * Approximate bytes of state per kept scene in the perceptual-hash stage: one entry per band
   * (scene id ~64 B, group flag, timestamp, length + 64 floats).
   */
  public long bytesPerKeptScenePhash() {
    return (long) phashDedupe().bands() * (4L * PerceptualHash.BITS + 64 + 1 + 8 + 4);
  }

  /** The same for the CLIP stage, for an embedding of {@code dim} floats. */
  public long bytesPerKeptSceneClip(int dim) {
    return (long) bands * (4L * dim + 64 + 1 + 8 + 4);
  }

  @Override
  public String toString() {
    return "ImageDedupeConfig{ttl="
        + ttl
        + ", maxHamming="
        + maxHammingDistance
        + ", clipThreshold="
        + clipThreshold
        + ", bands="
        + bands
        + "x"
        + bitsPerBand
        + ", maxKeptPerKey="
        + maxKeptPerKey
        + "}";
  }
}
