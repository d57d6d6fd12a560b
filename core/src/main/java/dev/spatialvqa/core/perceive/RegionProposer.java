package dev.spatialvqa.core.perceive;

import dev.spatialvqa.core.image.RgbImage;
import java.util.List;
import java.util.Map;

/**
 * Proposes captioned object regions in images: an open-vocabulary detector (labels from a
 * configured vocabulary, {@link Owlv2Detector}) or a dense region captioner (free-text captions,
 * {@link Florence2Captioner}), chosen by the model config's {@code regions.kind}. Not thread-safe:
 * one per DoFn instance.
 */
public interface RegionProposer extends AutoCloseable {
  /** Model id recorded in provenance. */
  String id();

  /** Regions per image, in input order, best first. */
  List<List<Region>> propose(List<RgbImage> images);

  /**
   * Informational counts (counter name to count, e.g. {@code regions.florence2.truncated}) since
   * the last call, then reset; the pipeline adds them to its ledger counters.
   */
  default Map<String, Long> drainCounts() {
    return Map.of();
  }

  @Override
  default void close() {}
}
