package dev.spatialvqa.transforms.dedupe;

import static dev.spatialvqa.transforms.dedupe.DedupeEmbeddings.*;

import dev.spatialvqa.core.dedupe.DedupeConfig;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.values.KV;
import org.joda.time.Instant;

final class KeyByIdFn<T> extends DoFn<Embedded<T>, KV<String, Embedded<T>>> {
  private final DedupeConfig config;

  KeyByIdFn(DedupeConfig config) {
    this.config = config;
  }

  @ProcessElement
  public void process(
      @Element Embedded<T> e, @Timestamp Instant ts, OutputReceiver<KV<String, Embedded<T>>> out) {
    out.output(KV.of(e.id() + windowSuffix(config, ts), e));
  }
}
