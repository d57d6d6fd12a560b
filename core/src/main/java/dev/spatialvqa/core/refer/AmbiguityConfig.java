package dev.spatialvqa.core.refer;

import dev.spatialvqa.core.embed.TextEmbedders;
import java.io.Serializable;

/**
 * Immutable configuration of {@link ReferringExpressions} and {@code ResolveAmbiguity}.
 *
 * <ul>
 *   <li>{@code similarityThreshold}: two objects whose caption embeddings have cosine similarity
 *       above this are the same kind of thing (MiniLM: "tv" / "television" 0.95, "sofa" / "couch"
 *       0.84, "office chair" / "chair" 0.84, but "desk" / "table" 0.52); default 0.8.
 *   <li>{@code lateralMarginM}, {@code depthMarginM}, {@code verticalMarginM}: a spatial qualifier
 *       is used only when it separates the objects by more than this many metres along its axis
 *       (left-right: canonical x; near-far: distance from the camera; low-high: canonical z,
 *       canonicalized scenes only); defaults 0.15, 0.25, 0.15.
 *   <li>{@code embedder}: a {@code TextEmbedders} spec for caption embeddings ({@code minilm}), or
 *       {@code none} to group identical captions only.
 *   <li>{@code captions}: the {@link Captions} cleaning rules (special tokens, length cap).
 * </ul>
 */
public final class AmbiguityConfig implements Serializable {
  private static final long serialVersionUID = 1L;
  public static final String NO_EMBEDDER = "none";

  private final double similarityThreshold;
  private final double lateralMarginM;
  private final double depthMarginM;
  private final double verticalMarginM;
  private final String embedder;
  private final Captions captions;

  private AmbiguityConfig(
      double sim,
      double lateral,
      double depth,
      double vertical,
      String embedder,
      Captions captions) {
    this.similarityThreshold = sim;
    this.lateralMarginM = lateral;
    this.depthMarginM = depth;
    this.verticalMarginM = vertical;
    this.embedder = embedder;
    this.captions = captions;
  }

  public static AmbiguityConfig defaults() {
    return new AmbiguityConfig(0.8, 0.15, 0.25, 0.15, TextEmbedders.DEFAULT, Captions.defaults());
  }

  /** The caption cleaning rules applied before any object is referred to. */
  public AmbiguityConfig withCaptions(Captions c) {
    return new AmbiguityConfig(
        similarityThreshold, lateralMarginM, depthMarginM, verticalMarginM, embedder, c);
  }

  public Captions captions() {
    return captions;
  }

  public AmbiguityConfig withSimilarityThreshold(double t) {
    if (!(t > 0 && t <= 1)) {
      throw new IllegalArgumentException("similarityThreshold must be in (0, 1], got " + t);
    }
    return new AmbiguityConfig(
        t, lateralMarginM, depthMarginM, verticalMarginM, embedder, captions);
  }

  public AmbiguityConfig withMargins(double lateralM, double depthM, double verticalM) {
    if (!(lateralM >= 0) || !(depthM >= 0) || !(verticalM >= 0)) {
      throw new IllegalArgumentException(
          "margins must be >= 0 metres, got lateral="
              + lateralM
              + " depth="
              + depthM
              + " vertical="
              + verticalM);
    }
    return new AmbiguityConfig(
        similarityThreshold, lateralM, depthM, verticalM, embedder, captions);
  }

  public AmbiguityConfig withEmbedder(String spec) {
    if (spec == null || spec.isBlank()) {
      throw new IllegalArgumentException(
          "embedder must be a spec ('minilm') or 'none', got '" + spec + "'");
    }
    return new AmbiguityConfig(
        similarityThreshold, lateralMarginM, depthMarginM, verticalMarginM, spec.trim(), captions);
  }

  public double similarityThreshold() {
    return similarityThreshold;
  }

  public double lateralMarginM() {
    return lateralMarginM;
  }

  public double depthMarginM() {
    return depthMarginM;
  }

  public double verticalMarginM() {
    return verticalMarginM;
  }

  public String embedder() {
    return embedder;
  }

  public boolean usesEmbeddings() {
    return !NO_EMBEDDER.equals(embedder);
  }
}
