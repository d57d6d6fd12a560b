package dev.spatialvqa.pipelines.options;

import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.Validation;

/** Where the run reads from. */
public interface InputOptions extends PipelineOptions {
  @Description("Input as KIND:VALUE, e.g. manifest:PATH (scene manifest, JSON Lines).")
  @Validation.Required
  String getInput();

  void setInput(String value);
}
