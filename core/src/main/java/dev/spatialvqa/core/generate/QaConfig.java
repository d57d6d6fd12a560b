package dev.spatialvqa.core.generate;

import java.io.Serializable;
import java.util.Locale;

/**
 * Settings of {@link QaGenerator}; immutable, start from {@link #defaults()} and use the validating
 * {@code withX} methods.
 *
 * <p>Tie margins: a comparison is a tie when its difference is below {@code max(absolute, relative
 * * scale)}; the scale is the larger of the two compared values for sizes and distances, and the
 * mean extent of the two objects along the compared axis for positions (left/right, front/behind,
 * above/below). Volumes use the relative margin only, as {@code 1 - (1 - relative)^3}.
 */
public final class QaConfig implements Serializable {
  private static final long serialVersionUID = 3L;

  /** Which unit system answers use. */
  public enum UnitPolicy {
    METRIC,
    IMPERIAL,
    /** per question, metric with probability {@link #metricShare()}, else imperial */
    MIXED
  }

  /** What to do with a comparison inside the tie margin. */
  public enum TiePolicy {
    /** answer with the type's tie templates ("about the same"), {@code tie = true} */
    ANSWER,
    /** do not ask it */
    SKIP
  }

  private final int qaPerScene;
  private final double tieMarginRelative;
  private final double tieMarginAbsoluteM;
  private final double answerNoiseStd;
  private final UnitPolicy unitPolicy;
  private final double metricShare;
  private final TiePolicy tiePolicy;
  private final String seedSalt;
  private final int multiStepPerScene;

  /** Multi-step records per scene by default ({@link MultiStepGenerator}). */
  public static final int DEFAULT_MULTI_STEP_PER_SCENE = 20;

  private QaConfig(
      int qaPerScene,
      double tieMarginRelative,
      double tieMarginAbsoluteM,
      double answerNoiseStd,
      UnitPolicy unitPolicy,
      double metricShare,
      TiePolicy tiePolicy,
      String seedSalt,
      int multiStepPerScene) {
    this.qaPerScene = qaPerScene;
    this.tieMarginRelative = tieMarginRelative;
    this.tieMarginAbsoluteM = tieMarginAbsoluteM;
    this.answerNoiseStd = answerNoiseStd;
    this.unitPolicy = unitPolicy;
    this.metricShare = metricShare;
    this.tiePolicy = tiePolicy;
    this.seedSalt = seedSalt;
    this.multiStepPerScene = multiStepPerScene;
  }

  /** 60 QA per scene, margins 10% / 5 cm, no noise, mixed units (70% metric), ties answered. */
  public static QaConfig defaults() {
    return new QaConfig(
        60,
        0.10,
        0.05,
        0.0,
        UnitPolicy.MIXED,
        0.7,
        TiePolicy.ANSWER,
        "",
        DEFAULT_MULTI_STEP_PER_SCENE);
  }

  public int qaPerScene() {
    return qaPerScene;
  }

  public double tieMarginRelative() {
    return tieMarginRelative;
  }

  public double tieMarginAbsoluteM() {
    return tieMarginAbsoluteM;
  }

  /** Std of the multiplicative Gaussian noise on stated quantities; 0 = clean answers. */
  public double answerNoiseStd() {
    return answerNoiseStd;
  }

  public UnitPolicy unitPolicy() {
    return unitPolicy;
  }

  public double metricShare() {
    return metricShare;
  }

  public TiePolicy tiePolicy() {
    return tiePolicy;
  }

  /** Mixed into the per-scene seed: change it to draw a different but still deterministic set. */
  public String seedSalt() {
    return seedSalt;
  }

  public QaConfig withQaPerScene(int value) {
    if (value < 1 || value > 10_000) {
      throw new IllegalArgumentException("qaPerScene must be in [1, 10000], got " + value);
    }
    return new QaConfig(
        value,
        tieMarginRelative,
        tieMarginAbsoluteM,
        answerNoiseStd,
        unitPolicy,
        metricShare,
        tiePolicy,
        seedSalt,
        multiStepPerScene);
  }

  public QaConfig withTieMarginRelative(double value) {
    if (!(value >= 0 && value < 1)) {
      throw new IllegalArgumentException("tieMarginRelative must be in [0, 1), got " + value);
    }
    return new QaConfig(
        qaPerScene,
        value,
        tieMarginAbsoluteM,
        answerNoiseStd,
        unitPolicy,
        metricShare,
        tiePolicy,
        seedSalt,
        multiStepPerScene);
  }

  public QaConfig withTieMarginAbsoluteM(double value) {
    if (!(value >= 0 && value <= 10)) {
      throw new IllegalArgumentException(
          "tieMarginAbsoluteM must be in [0, 10] metres, got " + value);
    }
    return new QaConfig(
        qaPerScene,
        tieMarginRelative,
        value,
        answerNoiseStd,
        unitPolicy,
        metricShare,
        tiePolicy,
        seedSalt,
        multiStepPerScene);
  }

  public QaConfig withAnswerNoiseStd(double value) {
    if (!(value >= 0 && value <= 1)) {
      throw new IllegalArgumentException("answerNoiseStd must be in [0, 1], got " + value);
    }
    return new QaConfig(
        qaPerScene,
        tieMarginRelative,
        tieMarginAbsoluteM,
        value,
        unitPolicy,
        metricShare,
        tiePolicy,
        seedSalt,
        multiStepPerScene);
  }

  public QaConfig withUnitPolicy(UnitPolicy value) {
    if (value == null) {
      throw new IllegalArgumentException(
          "unitPolicy must be one of METRIC, IMPERIAL, MIXED, got null");
    }
    return new QaConfig(
        qaPerScene,
        tieMarginRelative,
        tieMarginAbsoluteM,
        answerNoiseStd,
        value,
        metricShare,
        tiePolicy,
        seedSalt,
        multiStepPerScene);
  }

  public QaConfig withMetricShare(double value) {
    if (!(value >= 0 && value <= 1)) {
      throw new IllegalArgumentException("metricShare must be in [0, 1], got " + value);
    }
    return new QaConfig(
        qaPerScene,
        tieMarginRelative,
        tieMarginAbsoluteM,
        answerNoiseStd,
        unitPolicy,
        value,
        tiePolicy,
        seedSalt,
        multiStepPerScene);
  }

  public QaConfig withTiePolicy(TiePolicy value) {
    if (value == null) {
      throw new IllegalArgumentException("tiePolicy must be ANSWER or SKIP, got null");
    }
    return new QaConfig(
        qaPerScene,
        tieMarginRelative,
        tieMarginAbsoluteM,
        answerNoiseStd,
        unitPolicy,
        metricShare,
        value,
        seedSalt,
        multiStepPerScene);
  }

  public QaConfig withSeedSalt(String value) {
    if (value == null) {
      throw new IllegalArgumentException("seedSalt must not be null (use \"\")");
    }
    return new QaConfig(
        qaPerScene,
        tieMarginRelative,
        tieMarginAbsoluteM,
        answerNoiseStd,
        unitPolicy,
        metricShare,
        tiePolicy,
        value,
        multiStepPerScene);
  }

  /** Multi-step reasoning records per scene (0: none), on top of {@link #qaPerScene()}. */
  public int multiStepPerScene() {
    return multiStepPerScene;
  }

  public QaConfig withMultiStepPerScene(int value) {
    if (value < 0 || value > 10_000) {
      throw new IllegalArgumentException("multiStepPerScene must be in [0, 10000], got " + value);
    }
    return new QaConfig(
        qaPerScene,
        tieMarginRelative,
        tieMarginAbsoluteM,
        answerNoiseStd,
        unitPolicy,
        metricShare,
        tiePolicy,
        seedSalt,
        value);
  }

  /** Tie threshold for a length difference with the given scale. */
  public double tieThreshold(double scale) {
    return Math.max(tieMarginAbsoluteM, tieMarginRelative * Math.abs(scale));
  }

  /** Relative tie margin for volumes. */
  public double volumeTieRelative() {
    double r = 1 - tieMarginRelative;
    return 1 - r * r * r;
  }

  @Override
  public String toString() {
    return String.format(
        Locale.ROOT,
        "QaConfig{qaPerScene=%d, tieMarginRelative=%s, tieMarginAbsoluteM=%s, answerNoiseStd=%s, unitPolicy=%s, metricShare=%s, tiePolicy=%s, seedSalt='%s', multiStepPerScene=%d}",
        qaPerScene,
        tieMarginRelative,
        tieMarginAbsoluteM,
        answerNoiseStd,
        unitPolicy,
        metricShare,
        tiePolicy,
        seedSalt,
        multiStepPerScene);
  }
}
