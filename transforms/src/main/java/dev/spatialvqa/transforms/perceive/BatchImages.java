package dev.spatialvqa.transforms.perceive;

import dev.spatialvqa.core.perceive.Batching;
import dev.spatialvqa.schemas.FetchedImage;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.extensions.avro.coders.AvroCoder;
import org.apache.beam.sdk.transforms.GroupIntoBatches;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TypeDescriptors;

/**
 * Keys images by their content-hash shard and groups them into batches (GroupIntoBatches: size and
 * max buffering time). This is the perception chain's only shuffle: it carries the encoded image
 * bytes; pixels and depth exist only inside the model DoFn.
 */
final class BatchImages
    extends PTransform<
        PCollection<FetchedImage>, PCollection<KV<Integer, Iterable<FetchedImage>>>> {
  private final Batching batching;

  BatchImages(Batching batching) {
    this.batching = batching;
  }

  @Override
  public PCollection<KV<Integer, Iterable<FetchedImage>>> expand(PCollection<FetchedImage> images) {
    Batching b = batching;
    return images
        .apply(
            "KeyByContentHash",
            MapElements.into(
                    TypeDescriptors.kvs(
                        TypeDescriptors.integers(),
                        org.apache.beam.sdk.values.TypeDescriptor.of(FetchedImage.class)))
                .via((FetchedImage f) -> KV.of(b.shardOf(f.getContentHash()), f)))
        .setCoder(KvCoder.of(VarIntCoder.of(), AvroCoder.specific(FetchedImage.class)))
        .apply(
            "GroupIntoBatches",
            GroupIntoBatches.<Integer, FetchedImage>ofSize(b.size())
                .withMaxBufferingDuration(
                    org.joda.time.Duration.millis(b.maxBuffering().toMillis())));
  }
}
