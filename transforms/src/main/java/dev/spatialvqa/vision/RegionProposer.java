package dev.spatialvqa.vision;

import java.util.List;

/**
 * Proposes captioned object regions in images: an open-vocabulary detector (labels from a
 * configured vocabulary, {@link Owlv2Detector}) or a dense region captioner (free-text captions).
 * Not thread-safe: one per DoFn instance.
 */
public interface RegionProposer extends AutoCloseable {
  /** Model id recorded in provenance. */
  String id();

  /** Regions per image, in input order, best first. */
  List<List<Region>> propose(List<RgbImage> images);

  @Override
  default void close() {}
}
