package dev.spatialvqa.core.perceive;

import dev.spatialvqa.core.math.Vectors;
import java.util.List;

/**
 * CLIP zero-shot scene filter: the image embedding is compared with the include and exclude prompt
 * embeddings (all unit length), logits = 100 x cosine (CLIP's learned logit scale for ViT-B/32),
 * softmax over all prompts; the image is a scene when the include prompts' probability mass is at
 * least the threshold. Pure: the embeddings come from the CLIP towers.
 */
public final class SceneFilter {
  public static final double LOGIT_SCALE = 100.0;

  private final float[][] include;
  private final float[][] exclude;
  private final List<String> includePrompts;
  private final List<String> excludePrompts;
  private final double threshold;

  /** What the filter decided for one image: keep, P(scene), and the most likely prompt. */
  public record Decision(boolean keep, double sceneProbability, String topPrompt) {}

  public SceneFilter(
      List<String> includePrompts,
      float[][] include,
      List<String> excludePrompts,
      float[][] exclude,
      double threshold) {
    if (include.length != includePrompts.size() || exclude.length != excludePrompts.size()) {
      throw new IllegalArgumentException("one embedding per prompt is needed");
    }
    if (include.length == 0) {
      throw new IllegalArgumentException("at least one include prompt is needed");
    }
    this.include = include;
    this.exclude = exclude;
    this.includePrompts = List.copyOf(includePrompts);
    this.excludePrompts = List.copyOf(excludePrompts);
    this.threshold = threshold;
  }

  public Decision decide(float[] imageEmbedding) {
    int n = include.length + exclude.length;
    double[] logits = new double[n];
    double max = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < n; i++) {
      float[] t = i < include.length ? include[i] : exclude[i - include.length];
      if (t.length != imageEmbedding.length) {
        throw new IllegalArgumentException(
            "image embedding has "
                + imageEmbedding.length
                + " dims, prompt embeddings "
                + t.length
                + " (vision and text towers must come from the same CLIP model)");
      }
      logits[i] = LOGIT_SCALE * Vectors.exactDot(imageEmbedding, t);
      max = Math.max(max, logits[i]);
    }
    double sum = 0;
    double inc = 0;
    int top = 0;
    for (int i = 0; i < n; i++) {
      double e = Math.exp(logits[i] - max);
      sum += e;
      if (i < include.length) {
        inc += e;
      }
      if (logits[i] > logits[top]) {
        top = i;
      }
    }
    double p = inc / sum;
    String topPrompt =
        top < include.length ? includePrompts.get(top) : excludePrompts.get(top - include.length);
    return new Decision(p >= threshold, p, topPrompt);
  }
}
