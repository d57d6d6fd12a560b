package dev.spatialvqa.core.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spatialvqa.core.evaluate.GroundTruth;
import dev.spatialvqa.core.evaluate.GroundTruthAgreement;
import dev.spatialvqa.schemas.QaRecord;
import dev.spatialvqa.schemas.SceneRecord;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The generator's definitions against independent recomputation from the bundled scenes'
 * ground-truth boxes: scenes built from the GT boxes must agree (almost) exactly; this pins the
 * definitions that the estimated-box agreement test relies on.
 */
class GroundTruthDefinitionsTest {
  @ParameterizedTest
  @ValueSource(strings = {"sunrgbd-000001", "sunrgbd-000002"})
  void answersFromGroundTruthBoxesAgreeWithIndependentDefinitions(String sceneId)
      throws IOException {
    GroundTruth gt = BundledGroundTruth.load(sceneId);
    SceneRecord scene = gt.sceneRecord();
    QaGenerator g = new QaGenerator(QaConfig.defaults().withQaPerScene(400));
    List<QaRecord> qa = g.generate(scene);
    GroundTruthAgreement s = GroundTruthAgreement.of(qa, gt, g);
    System.out.println(sceneId + " (GT boxes): " + s);
    assertTrue(s.qualitative().beyondMargin > 0);
    assertEquals(s.qualitative().beyondMargin, s.qualitative().agree, s.disagreements().toString());
    assertEquals(s.quantitative().scored, s.quantitative().within08to125, s.ratios().toString());
    assertEquals(s.direction(), s.directionWithin1h());
    for (double[] v : s.ratios().values()) {
      assertEquals(v[1], v[0], Math.max(0.03, 0.02 * v[1]), "estimate vs truth");
    }
  }
}
