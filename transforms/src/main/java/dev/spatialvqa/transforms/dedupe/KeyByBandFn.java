package dev.spatialvqa.transforms.dedupe;

import static dev.spatialvqa.transforms.dedupe.DedupeEmbeddings.*;

import dev.spatialvqa.core.dedupe.DedupeConfig;
import dev.spatialvqa.core.dedupe.HyperplaneLsh;
import dev.spatialvqa.core.math.Vectors;
import dev.spatialvqa.transforms.dedupe.Stages.BandProbe;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.values.KV;
import org.joda.time.Instant;

/** One copy of each element per band key; band 0 carries the payload. */
final class KeyByBandFn<T> extends DoFn<KV<String, Embedded<T>>, KV<String, BandProbe<T>>> {
  private final DedupeConfig config;
  private transient HyperplaneLsh lsh;

  KeyByBandFn(DedupeConfig config) {
    this.config = config;
  }

  @ProcessElement
  public void process(
      @Element KV<String, Embedded<T>> kv,
      @Timestamp Instant ts,
      OutputReceiver<KV<String, BandProbe<T>>> out) {
    Embedded<T> e = kv.getValue();
    float[] v = Vectors.normalized(e.embedding());
    if (lsh == null || lsh.dimension() != v.length) {
      lsh = new HyperplaneLsh(v.length, config.bands(), config.bitsPerBand(), config.seed());
    }
    String[] keys = lsh.keys(v);
    for (int b = 0; b < keys.length; b++) {
      out.output(
          KV.of(
              keys[b] + windowSuffix(config, ts),
              new BandProbe<>(e.id(), e.group(), b, v, b == 0 ? e.payload() : null)));
    }
  }
}
