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
    if (!config.coordinateBands() && (lsh == null || lsh.dimension() != v.length)) {
      lsh = new HyperplaneLsh(v.length, config.bands(), config.bitsPerBand(), config.seed());
    }
    String[] keys = config.coordinateBands() ? coordinateKeys(v) : lsh.keys(v);
    for (int b = 0; b < keys.length; b++) {
      out.output(
          KV.of(
              keys[b] + windowSuffix(config, ts),
              new BandProbe<>(e.id(), e.group(), b, v, b == 0 ? e.payload() : null)));
    }
  }

  /** Band b: the signs of coordinates [b * bits, (b + 1) * bits) (see DedupeConfig). */
  private String[] coordinateKeys(float[] v) {
    int bits = config.bitsPerBand();
    if (config.bands() * bits > v.length) {
      throw new IllegalArgumentException(
          config.bands()
              + " coordinate bands of "
              + bits
              + " need "
              + config.bands() * bits
              + " dimensions, the signature has "
              + v.length);
    }
    String[] keys = new String[config.bands()];
    for (int b = 0; b < keys.length; b++) {
      int sig = 0;
      for (int j = 0; j < bits; j++) {
        if (v[b * bits + j] >= 0) {
          sig |= 1 << j;
        }
      }
      keys[b] = "c" + b + ":" + Integer.toHexString(sig);
    }
    return keys;
  }
}
