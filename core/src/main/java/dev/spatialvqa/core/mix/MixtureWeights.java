package dev.spatialvqa.core.mix;

/**
 * Sampling weights that realise a target spatial token share when a trainer mixes two sources:
 * spatial QA ({@code spatialTokens} over {@code spatialRecords}) and the general mix ({@code
 * generalTokens} over {@code generalRecords}).
 *
 * <ul>
 *   <li>{@link #spatialTokenWeight()} / {@link #generalTokenWeight()}: the fraction of training
 *       tokens to draw from each source ({@code s} and {@code 1 - s});
 *   <li>{@link #spatialExampleProbability()}: the per-example probability for samplers that pick
 *       examples, not tokens (e.g. Hugging Face {@code interleave_datasets(probabilities=...)}):
 *       {@code p_s ∝ s / mean_tokens_spatial}, {@code p_g ∝ (1 - s) / mean_tokens_general};
 *   <li>{@link #spatialEpochsPerGeneralEpoch()}: passes over the spatial data per pass over the
 *       general data at the target share, {@code num * G / ((den - num) * A)} (at least 1 when the
 *       gate admitted the spatial data, since it admits at most the share).
 * </ul>
 */
public final class MixtureWeights {
  private final ShareRatio share;
  private final long spatialTokens;
  private final long spatialRecords;
  private final long generalTokens;
  private final long generalRecords;

  public MixtureWeights(
      ShareRatio share,
      long spatialTokens,
      long spatialRecords,
      long generalTokens,
      long generalRecords) {
    this.share = share;
    this.spatialTokens = spatialTokens;
    this.spatialRecords = spatialRecords;
    this.generalTokens = generalTokens;
    this.generalRecords = generalRecords;
  }

  public double spatialTokenWeight() {
    return share.asDouble();
  }

  public double generalTokenWeight() {
    return (double) (share.den() - share.num()) / share.den();
  }

  /** Null when either source is empty (no per-example probability is defined). */
  public Double spatialExampleProbability() {
    if (spatialTokens <= 0 || spatialRecords <= 0 || generalTokens <= 0 || generalRecords <= 0) {
      return null;
    }
    double s = share.num() / (spatialTokens / (double) spatialRecords);
    double g = (share.den() - share.num()) / (generalTokens / (double) generalRecords);
    return s / (s + g);
  }

  /** Null when there is no spatial data. */
  public Double spatialEpochsPerGeneralEpoch() {
    if (spatialTokens <= 0) {
      return null;
    }
    return (double) share.num()
        * generalTokens
        / ((double) (share.den() - share.num()) * spatialTokens);
  }

  /** The share of spatial tokens when both sources are used once each. */
  public Double shareAsIs() {
    long total = spatialTokens + generalTokens;
    return total == 0 ? null : spatialTokens / (double) total;
  }

  /** General tokens still needed for the spatial tokens to be at most the target share. */
  public long generalTokensNeeded() {
    return Math.max(0, share.generalTokensNeeded(spatialTokens) - generalTokens);
  }
}
