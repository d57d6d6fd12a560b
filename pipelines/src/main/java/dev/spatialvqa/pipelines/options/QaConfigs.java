package dev.spatialvqa.pipelines.options;

import dev.spatialvqa.core.generate.QaConfig;

/** Reads {@link QaOptions} once into the plain {@link QaConfig} the graph uses. */
public final class QaConfigs {
  private QaConfigs() {}

  public static QaConfig from(QaOptions o) {
    return QaConfig.defaults()
        .withQaPerScene(o.getQaPerScene())
        .withMultiStepPerScene(o.getQaMultiStepPerScene())
        .withTieMarginRelative(o.getQaTieMarginRelative())
        .withTieMarginAbsoluteM(o.getQaTieMarginAbsoluteM())
        .withTiePolicy(o.getQaTiePolicy())
        .withAnswerNoiseStd(o.getQaAnswerNoiseStd())
        .withUnitPolicy(o.getQaUnits())
        .withMetricShare(o.getQaMetricShare())
        .withSeedSalt(o.getQaSeedSalt());
  }
}
