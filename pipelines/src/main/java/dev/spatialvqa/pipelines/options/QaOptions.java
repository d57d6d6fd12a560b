package dev.spatialvqa.pipelines.options;

import dev.spatialvqa.core.generate.QaConfig;
import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;

/** QA generation settings (see {@link QaConfig}; {@link QaConfigs#from} maps them). */
public interface QaOptions extends PipelineOptions {
  @Description("QA records to generate per scene (upper bound).")
  @Default.Integer(60)
  int getQaPerScene();

  void setQaPerScene(int value);

  @Description(
      "Multi-step reasoning records per scene (upper bound, on top of --qaPerScene; 0 = none):"
          + " the families of the multi-step catalog, each with its steps and reasoning trace.")
  @Default.Integer(QaConfig.DEFAULT_MULTI_STEP_PER_SCENE)
  int getQaMultiStepPerScene();

  void setQaMultiStepPerScene(int value);

  @Description(
      "Relative tie margin: a comparison whose difference is under max(absolute, relative * scale) is a tie.")
  @Default.Double(0.10)
  double getQaTieMarginRelative();

  void setQaTieMarginRelative(double value);

  @Description("Absolute tie margin in metres.")
  @Default.Double(0.05)
  double getQaTieMarginAbsoluteM();

  void setQaTieMarginAbsoluteM(double value);

  @Description(
      "What to do with comparisons inside the tie margin: ANSWER (\"about the same\") or SKIP.")
  @Default.Enum("ANSWER")
  QaConfig.TiePolicy getQaTiePolicy();

  void setQaTiePolicy(QaConfig.TiePolicy value);

  @Description(
      "Std of the multiplicative Gaussian noise on stated quantities (0 = clean answers; the record keeps the clean value_si).")
  @Default.Double(0.0)
  double getQaAnswerNoiseStd();

  void setQaAnswerNoiseStd(double value);

  @Description(
      "Units of stated quantities: METRIC, IMPERIAL or MIXED (per question, metric with probability --qaMetricShare).")
  @Default.Enum("MIXED")
  QaConfig.UnitPolicy getQaUnits();

  void setQaUnits(QaConfig.UnitPolicy value);

  @Description("Share of metric answers under --qaUnits=MIXED.")
  @Default.Double(0.7)
  double getQaMetricShare();

  void setQaMetricShare(double value);

  @Description(
      "Salt mixed into the per-scene seed (change it to draw a different, still deterministic, QA set).")
  @Default.String("")
  String getQaSeedSalt();

  void setQaSeedSalt(String value);

  @Description(
      "Extra special tokens to strip from object captions, comma-separated (added to the built-in"
          + " list: </s>, <image>, <|im_end|>, [CLS], ...; see README).")
  @Default.String("")
  String getCaptionSpecialTokens();

  void setCaptionSpecialTokens(String value);

  @Description(
      "Longest object caption, in characters, after cleaning; objects with longer captions are not"
          + " referred to (counted as objects_filtered.caption_too_long).")
  @Default.Integer(dev.spatialvqa.core.refer.Captions.DEFAULT_MAX_CHARS)
  int getMaxCaptionChars();

  void setMaxCaptionChars(int value);
}
