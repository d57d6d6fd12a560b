package dev.spatialvqa.pipelines.options;

import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.Validation;

/** Where the run writes to. */
public interface OutputOptions extends PipelineOptions {
  @Description("Output folder or bucket prefix (scenes/, qa/, deadletters/, summary.json).")
  @Validation.Required
  String getOutput();

  void setOutput(String value);
}
