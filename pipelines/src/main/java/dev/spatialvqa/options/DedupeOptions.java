package dev.spatialvqa.options;

import org.apache.beam.sdk.options.PipelineOptions;

/** Dedupe settings (filled in by the issue that builds this stage). */
public interface DedupeOptions extends PipelineOptions {}
