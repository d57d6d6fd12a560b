package dev.spatialvqa.transforms.sink;

import org.apache.avro.specific.SpecificRecord;
import org.apache.beam.sdk.extensions.avro.io.AvroIO;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.ResolveOptions;
import org.apache.beam.sdk.io.fs.ResourceId;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PDone;

/**
 * Writes Avro records as shards {@code DIR/part-SSSSS-of-NNNNN.avro}. Bounded inputs: runner-chosen
 * sharding. Unbounded inputs: windowed writes with a fixed shard count, so files appear per window
 * (exactly once on runners with checkpointed sinks, e.g. Flink with checkpointing).
 */
public final class WriteAvro<T extends SpecificRecord> extends PTransform<PCollection<T>, PDone> {
  private final Class<T> type;
  private final String directory;
  private final int streamingShards;

  private WriteAvro(Class<T> type, String directory, int streamingShards) {
    this.type = type;
    this.directory = directory;
    this.streamingShards = streamingShards;
  }

  public static <T extends SpecificRecord> WriteAvro<T> of(Class<T> type, String directory) {
    return new WriteAvro<>(type, directory, 1);
  }

  public WriteAvro<T> withStreamingShards(int shards) {
    if (shards < 1) {
      throw new IllegalArgumentException("streamingShards must be >= 1, got " + shards);
    }
    return new WriteAvro<>(type, directory, shards);
  }

  @Override
  public PDone expand(PCollection<T> input) {
    ResourceId dir = FileSystems.matchNewResource(directory, true);
    ResourceId prefix = dir.resolve("part", ResolveOptions.StandardResolveOptions.RESOLVE_FILE);
    AvroIO.Write<T> write = AvroIO.write(type).to(prefix.toString()).withSuffix(".avro");
    if (input.isBounded() == PCollection.IsBounded.UNBOUNDED) {
      write = write.withWindowedWrites().withNumShards(streamingShards);
    }
    return input.apply("WriteShards", write);
  }

  /** {@code base/child} for a folder or bucket prefix. */
  public static String child(String base, String child) {
    return FileSystems.matchNewResource(base, true)
        .resolve(child, ResolveOptions.StandardResolveOptions.RESOLVE_DIRECTORY)
        .toString();
  }
}
