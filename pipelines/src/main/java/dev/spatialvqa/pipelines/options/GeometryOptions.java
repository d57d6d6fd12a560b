package dev.spatialvqa.pipelines.options;

import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;

/** 3D lifting settings. */
public interface GeometryOptions extends PipelineOptions {
  @Description("Minimum points per object after denoising; fewer is filtered (too_few_points).")
  @Default.Integer(50)
  int getMinObjectPoints();

  void setMinObjectPoints(int value);
}
