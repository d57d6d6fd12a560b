package dev.spatialvqa.pipelines.graph;

import dev.spatialvqa.pipelines.options.SpatialVqaOptions;
import dev.spatialvqa.transforms.errors.DeadLetters;
import dev.spatialvqa.transforms.ingest.IngestImages;
import dev.spatialvqa.transforms.load.ReadManifest;
import dev.spatialvqa.transforms.mix.MixGate;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.values.PCollectionTuple;

/**
 * Production IO: {@code --input=KIND:VALUE} (a manifest, or an image stream through fetch) and Avro
 * shards under {@code --output}.
 */
public final class FileJobIo implements JobIo {
  public static final FileJobIo INSTANCE = new FileJobIo();

  private FileJobIo() {}

  @Override
  public SpatialVqaPipeline.Inputs read(Pipeline p, SpatialVqaOptions o) {
    InputSpec in = InputSpec.parse(o.getInput());
    if (in.kind().equals("manifest")) {
      return new SpatialVqaPipeline.Inputs(p.apply("ReadManifest", ReadManifest.from(in.value())));
    }
    if (SpatialVqaPipeline.isImageInput(in.kind())) {
      PCollectionTuple ingested =
          p.apply("IngestImages", ImageIngest.source(in.kind(), in.value(), o));
      return new SpatialVqaPipeline.Inputs(
          null, ingested.get(IngestImages.IMAGES), ingested.get(DeadLetters.TAG));
    }
    throw new IllegalArgumentException(
        "input kind '" + in.kind() + "' is not available in this build");
  }

  @Override
  public void writeMixSideOutputs(MixGate.Result mixed, SpatialVqaOptions o) {
    MixStage.writeSideOutputs(mixed, o.getOutput(), o);
  }

  @Override
  public void write(SpatialVqaPipeline.Outputs out, SpatialVqaOptions o) {
    SpatialVqaPipeline.write(out, o.getOutput(), SpatialVqaPipeline.Streaming.from(o));
  }
}
