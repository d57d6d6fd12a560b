package dev.spatialvqa.pipelines.options;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.spatialvqa.core.generate.QaConfig;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.junit.jupiter.api.Test;

class QaConfigsTest {
  @Test
  void defaultsMatchQaConfigDefaults() {
    QaConfig c = QaConfigs.from(PipelineOptionsFactory.fromArgs().as(SpatialVqaOptions.class));
    assertEquals(QaConfig.defaults().toString(), c.toString());
  }

  @Test
  void commandLineFlagsReachTheConfig() {
    SpatialVqaOptions o =
        PipelineOptionsFactory.fromArgs(
                "--qaPerScene=200",
                "--qaTieMarginRelative=0.2",
                "--qaTieMarginAbsoluteM=0.1",
                "--qaTiePolicy=SKIP",
                "--qaAnswerNoiseStd=0.1",
                "--qaUnits=IMPERIAL",
                "--qaMetricShare=0.5",
                "--qaSeedSalt=v2")
            .as(SpatialVqaOptions.class);
    QaConfig c = QaConfigs.from(o);
    assertEquals(200, c.qaPerScene());
    assertEquals(0.2, c.tieMarginRelative());
    assertEquals(0.1, c.tieMarginAbsoluteM());
    assertEquals(QaConfig.TiePolicy.SKIP, c.tiePolicy());
    assertEquals(0.1, c.answerNoiseStd());
    assertEquals(QaConfig.UnitPolicy.IMPERIAL, c.unitPolicy());
    assertEquals(0.5, c.metricShare());
    assertEquals("v2", c.seedSalt());
  }

  @Test
  void badValuesAreRejectedWithTheParameterName() {
    SpatialVqaOptions o =
        PipelineOptionsFactory.fromArgs("--qaAnswerNoiseStd=-1").as(SpatialVqaOptions.class);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> QaConfigs.from(o));
    assertEquals(true, e.getMessage().contains("answerNoiseStd"));
  }
}
