package dev.spatialvqa.geometry;

import java.io.Serializable;

/**
 * Settings of {@link SceneLifter}. Immutable; start from {@link #defaults()} and use the
 * {@code withX} methods, which validate their argument.
 */
public final class LiftConfig implements Serializable {
  private static final long serialVersionUID = 1L;

  private final int minPoints;

  private LiftConfig(int minPoints) {
    this.minPoints = minPoints;
  }

  public static LiftConfig defaults() {
    return new LiftConfig(50);
  }

  /** Objects with fewer points than this after denoising are filtered ({@code too_few_points}). */
  public int minPoints() {
    return minPoints;
  }

  public LiftConfig withMinPoints(int value) {
    if (value < 1) {
      throw new IllegalArgumentException("minPoints must be >= 1, got " + value);
    }
    return new LiftConfig(value);
  }
}
