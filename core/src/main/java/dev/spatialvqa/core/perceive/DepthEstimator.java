package dev.spatialvqa.core.perceive;

import ai.djl.inference.Predictor;
import ai.djl.translate.TranslateException;
import dev.spatialvqa.core.image.RgbImage;
import dev.spatialvqa.core.models.ModelConfig;
import dev.spatialvqa.core.models.ModelPool;
import dev.spatialvqa.core.models.ModelRole;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Metric depth for a batch of images with a leased Depth Anything V2 model (owns the lease and its
 * predictor; one per DoFn instance, not thread-safe). Images that map to different input sizes
 * (different aspect ratios, with a dynamic-size export) cannot share a tensor: the batch is split
 * into one model call per input size, in order of first appearance, and the predictions are put
 * back in the batch's order.
 */
public final class DepthEstimator implements AutoCloseable {
  private final ModelPool.Lease lease;
  private final DepthTranslator translator;
  private final Predictor<List<RgbImage>, List<DepthPrediction>> predictor;
  private final DepthPlausibility plausibility;

  /** Without the metric plausibility check (tests of the translator only). */
  public DepthEstimator(ModelPool.Lease lease) {
    this(lease, null);
  }

  /**
   * @param depth the config's depth settings ({@code max_depth}): predictions are checked by {@link
   *     DepthPlausibility}, which stops the run when they are not metric; null = unchecked
   */
  public DepthEstimator(ModelPool.Lease lease, ModelConfig.DepthSettings depth) {
    if (lease.spec().role() != ModelRole.DEPTH) {
      throw new IllegalArgumentException(
          "DepthEstimator needs a depth model, got " + lease.spec().role().key());
    }
    this.lease = lease;
    this.plausibility =
        depth == null ? null : new DepthPlausibility(lease.spec().name(), depth.maxDepthM());
    try {
      this.translator = DepthTranslator.forModel(lease);
      this.predictor = lease.newPredictor(translator);
    } catch (RuntimeException e) {
      lease.close();
      throw e;
    }
  }

  /** The translator in use (its input-size rule follows the export's signature). */
  public DepthTranslator translator() {
    return translator;
  }

  /** One prediction per image, in order; one model call per distinct input size. */
  public List<DepthPrediction> estimate(List<RgbImage> images) throws TranslateException {
    Map<Preprocess.Size, List<Integer>> groups = new LinkedHashMap<>();
    for (int i = 0; i < images.size(); i++) {
      RgbImage img = images.get(i);
      groups
          .computeIfAbsent(translator.inputSize(img.width(), img.height()), k -> new ArrayList<>())
          .add(i);
    }
    DepthPrediction[] out = new DepthPrediction[images.size()];
    for (List<Integer> idx : groups.values()) {
      List<DepthPrediction> got = lease.predict(predictor, idx.stream().map(images::get).toList());
      for (int k = 0; k < idx.size(); k++) {
        out[idx.get(k)] = got.get(k);
      }
    }
    List<DepthPrediction> all = Arrays.asList(out);
    if (plausibility != null) {
      plausibility.check(all);
    }
    return all;
  }

  @Override
  public void close() {
    predictor.close();
    lease.close();
  }
}
