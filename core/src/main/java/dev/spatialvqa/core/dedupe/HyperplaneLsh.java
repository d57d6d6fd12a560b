package dev.spatialvqa.core.dedupe;

import dev.spatialvqa.core.math.Vectors;
import java.io.Serializable;
import java.util.SplittableRandom;

/**
 * Random-hyperplane (SimHash) locality-sensitive hashing for cosine similarity, banded.
 *
 * <p>{@code bands * bitsPerBand} hyperplanes with Gaussian normals are drawn from a seeded
 * generator, so every worker computes the same keys. A vector's band {@code b} key is the sign
 * pattern of its projections on that band's hyperplanes. Two vectors at angle {@code theta} agree
 * on one bit with probability {@code p = 1 - theta/pi}, share one band's key with probability
 * {@code p^bitsPerBand}, and share at least one band key with probability {@code 1 - (1 -
 * p^bitsPerBand)^bands} (see {@link #collisionProbability}).
 */
public final class HyperplaneLsh implements Serializable {
  private static final long serialVersionUID = 1L;

  private final int dimension;
  private final int bands;
  private final int bitsPerBand;
  private final long seed;
  private final float[][] planes;

  public HyperplaneLsh(int dimension, int bands, int bitsPerBand, long seed) {
    if (dimension < 1) {
      throw new IllegalArgumentException("dimension must be >= 1, got " + dimension);
    }
    if (bands < 1 || bands > 64) {
      throw new IllegalArgumentException("bands must be in [1, 64], got " + bands);
    }
    if (bitsPerBand < 1 || bitsPerBand > 30) {
      throw new IllegalArgumentException("bitsPerBand must be in [1, 30], got " + bitsPerBand);
    }
    this.dimension = dimension;
    this.bands = bands;
    this.bitsPerBand = bitsPerBand;
    this.seed = seed;
    SplittableRandom rnd = new SplittableRandom(seed);
    planes = new float[bands * bitsPerBand][dimension];
    for (float[] plane : planes) {
      for (int i = 0; i < dimension; i++) {
        plane[i] = (float) gaussian(rnd);
      }
    }
  }

  private static double gaussian(SplittableRandom rnd) {
    // Box-Muller; SplittableRandom has no nextGaussian on Java 17.
    double u1 = rnd.nextDouble();
    double u2 = rnd.nextDouble();
    return Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
  }

  public int dimension() {
    return dimension;
  }

  public int bands() {
    return bands;
  }

  public int bitsPerBand() {
    return bitsPerBand;
  }

  public long seed() {
    return seed;
  }

  /** The band signatures of {@code v}: element {@code b} is band b's bit pattern. */
  public int[] signatures(float[] v) {
    if (v.length != dimension) {
      throw new IllegalArgumentException(
          "embedding dimension " + v.length + " != LSH dimension " + dimension);
    }
    int[] sig = new int[bands];
    for (int b = 0; b < bands; b++) {
      int bits = 0;
      for (int j = 0; j < bitsPerBand; j++) {
        if (Vectors.dot(planes[b * bitsPerBand + j], v) >= 0) {
          bits |= 1 << j;
        }
      }
      sig[b] = bits;
    }
    return sig;
  }

  /** The state keys of {@code v}, one per band: {@code "b<band>:<hex signature>"}. */
  public String[] keys(float[] v) {
    int[] sig = signatures(v);
    String[] keys = new String[bands];
    for (int b = 0; b < bands; b++) {
      keys[b] = "b" + b + ":" + Integer.toHexString(sig[b]);
    }
    return keys;
  }

  /** Probability that two vectors with cosine similarity {@code cos} share at least one key. */
  public static double collisionProbability(double cos, int bands, int bitsPerBand) {
    double theta = Math.acos(Math.max(-1, Math.min(1, cos)));
    double p = 1 - theta / Math.PI;
    return 1 - Math.pow(1 - Math.pow(p, bitsPerBand), bands);
  }
}
