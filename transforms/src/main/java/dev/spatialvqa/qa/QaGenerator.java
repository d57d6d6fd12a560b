package dev.spatialvqa.qa;

import dev.spatialvqa.schemas.QaRecord;
import dev.spatialvqa.schemas.SceneRecord;
import java.util.List;

/**
 * Generates QA records for one scene from the template catalog. Deterministic per scene (seeded
 * from the scene id). Pure Java; {@code GenerateQa} wires it into Beam.
 */
public final class QaGenerator {
  private final QaConfig config;

  public QaGenerator(QaConfig config) {
    this.config = config;
  }

  public List<QaRecord> generate(SceneRecord scene) {
    throw new UnsupportedOperationException("QA generator: issue 4 (in progress)");
  }
}
