package dev.spatialvqa.core.mix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class MixtureWeightsTest {
  @Test
  void weightsRealiseTheTargetShare() {
    // 1,000 spatial QA of 600 tokens; 100,000 general records of 228 tokens
    MixtureWeights w =
        new MixtureWeights(ShareRatio.of(1, 20), 600_000, 1_000, 22_800_000, 100_000);
    assertEquals(0.05, w.spatialTokenWeight(), 0.0);
    assertEquals(0.95, w.generalTokenWeight(), 1e-15);
    // per-example sampling: expected token share of a draw must be the target
    double ps = w.spatialExampleProbability();
    double spatialTokensPerDraw = ps * 600;
    double generalTokensPerDraw = (1 - ps) * 228;
    assertEquals(0.05, spatialTokensPerDraw / (spatialTokensPerDraw + generalTokensPerDraw), 1e-12);
    // epochs: 2 passes over spatial per general pass gives 1,200,000 / 24,000,000 = 5%
    assertEquals(2.0, w.spatialEpochsPerGeneralEpoch(), 1e-12);
    assertEquals(600_000 / 23_400_000.0, w.shareAsIs(), 1e-15);
    assertEquals(0, w.generalTokensNeeded());
  }

  @Test
  void withoutGeneralDataSaysWhatIsNeeded() {
    MixtureWeights w = new MixtureWeights(ShareRatio.of(1, 20), 600, 1, 0, 0);
    assertNull(w.spatialExampleProbability());
    assertEquals(11_400, w.generalTokensNeeded());
    assertEquals(0.0, w.spatialEpochsPerGeneralEpoch(), 0.0);
    assertNull(new MixtureWeights(ShareRatio.of(1, 20), 0, 0, 0, 0).spatialEpochsPerGeneralEpoch());
  }
}
