package dev.spatialvqa.pipelines.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.spatialvqa.core.dedupe.DedupeConfig;
import dev.spatialvqa.core.generate.QaConfig;
import dev.spatialvqa.core.lift.IntrinsicsEstimator;
import dev.spatialvqa.core.lift.LiftConfig;
import dev.spatialvqa.core.refer.AmbiguityConfig;
import dev.spatialvqa.pipelines.options.SpatialVqaOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.junit.jupiter.api.Test;

/**
 * Each option's default is the core config's default, written once: the options a user does not set
 * map to exactly the configs the stages use by default.
 */
class OptionDefaultsTest {
  private static SpatialVqaOptions options(String... args) {
    return PipelineOptionsFactory.fromArgs(args).as(SpatialVqaOptions.class);
  }

  @Test
  void unsetOptionsMapToTheCoreDefaults() {
    SpatialVqaPipeline.Config c = SpatialVqaPipeline.Config.from(options());
    assertEquals(QaConfig.defaults().toString(), c.qa().toString());
    assertEquals(null, c.dedupe()); // QA-text dedupe is opt-in (--dedupeQaText)
    assertEquals(
        dev.spatialvqa.core.dedupe.ImageDedupeConfig.defaults().toString(),
        c.sceneDedupe().toString());
    assertEquals(
        DedupeConfig.defaults().toString(),
        SpatialVqaPipeline.Config.from(options("--dedupeQaText")).dedupe().toString());
    assertEquals(LiftConfig.defaults().minPoints(), c.lift().minPoints());
    assertEquals(AmbiguityConfig.defaults().embedder(), c.refer().embedder());
    assertEquals(IntrinsicsEstimator.DEFAULT_FOV_DEG, options().getDefaultHfovDeg());
    assertEquals(IntrinsicsEstimator.DEFAULT_FOV_DEG, c.perception().defaultHfovDeg());
  }

  @Test
  void theEmbedderOptionReachesEveryStageThatEmbeds() {
    SpatialVqaPipeline.Config c =
        SpatialVqaPipeline.Config.from(options("--embedder=minilm:8", "--dedupeQaText"));
    assertEquals("minilm:8", c.refer().embedder());
    assertEquals("minilm:8", c.dedupe().embedder());
  }
}
