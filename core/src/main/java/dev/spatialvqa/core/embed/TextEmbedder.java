package dev.spatialvqa.core.embed;

import java.util.List;

/**
 * Turns texts into L2-normalised embeddings. Implementations batch internally; they are not
 * thread-safe unless stated (create one per DoFn instance, share the loaded model per JVM).
 */
public interface TextEmbedder extends AutoCloseable {
  /** A stable id of the model (name and content hash prefix), recorded in provenance. */
  String id();

  int dimension();

  /** One unit-length vector per text, in order. */
  float[][] embed(List<String> texts);

  @Override
  default void close() {}
}
