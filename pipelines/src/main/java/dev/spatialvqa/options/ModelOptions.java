package dev.spatialvqa.options;

import org.apache.beam.sdk.options.PipelineOptions;

/** Model settings (filled in by the issue that builds this stage). */
public interface ModelOptions extends PipelineOptions {}
