package dev.spatialvqa.pipelines.graph;

import dev.spatialvqa.pipelines.options.SpatialVqaOptions;
import dev.spatialvqa.transforms.mix.MixGate;
import org.apache.beam.sdk.Pipeline;

/**
 * The job's one IO seam: where its inputs come from and where its outputs go. {@link
 * SpatialVqaPipeline#build(Pipeline, SpatialVqaOptions, JobIo)} wires sources, the processing graph
 * and sinks through it, so a JobTest-style test runs the whole real graph with in-memory sources
 * and captured outputs. Production runs use {@link FileJobIo}.
 */
public interface JobIo {
  /** The run's inputs (manifest lines, or fetched images and the ingest stage's dead letters). */
  SpatialVqaPipeline.Inputs read(Pipeline p, SpatialVqaOptions o);

  /** The mix gate's side outputs: the reserve and the accounting. */
  void writeMixSideOutputs(MixGate.Result mixed, SpatialVqaOptions o);

  /** The main outputs: scenes, admitted QA, duplicates, images, and the one dead-letter sink. */
  void write(SpatialVqaPipeline.Outputs out, SpatialVqaOptions o);
}
