package dev.spatialvqa.options;

import org.apache.beam.sdk.options.PipelineOptions;

/** Ingest settings (filled in by the issue that builds this stage). */
public interface IngestOptions extends PipelineOptions {}
