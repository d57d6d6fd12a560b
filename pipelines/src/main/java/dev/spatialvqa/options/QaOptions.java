package dev.spatialvqa.options;

import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;

/** QA generation settings. */
public interface QaOptions extends PipelineOptions {
  @Description("QA records to generate per scene (upper bound).")
  @Default.Integer(60)
  int getQaPerScene();

  void setQaPerScene(int value);
}
