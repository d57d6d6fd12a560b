package dev.spatialvqa.options;

import org.apache.beam.sdk.options.PipelineOptions;

/** Mix settings (filled in by the issue that builds this stage). */
public interface MixOptions extends PipelineOptions {}
