package dev.spatialvqa.benchmarks;

import dev.spatialvqa.core.dedupe.DedupeConfig;
import dev.spatialvqa.core.dedupe.HyperplaneLsh;
import dev.spatialvqa.core.dedupe.KeptSet;
import dev.spatialvqa.core.embed.MiniLmTextEmbedder;
import dev.spatialvqa.core.embed.TextEmbedder;
import dev.spatialvqa.core.math.Vectors;
import dev.spatialvqa.core.runtime.DjlOffline;
import dev.spatialvqa.transforms.dedupe.DedupeEmbeddings;
import dev.spatialvqa.transforms.dedupe.Embedded;
import dev.spatialvqa.transforms.errors.Ledger;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.metrics.MetricNameFilter;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.MetricsFilter;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.TimestampedValue;
import org.apache.beam.sdk.values.TupleTag;
import org.joda.time.Instant;

/**
 * {@code bench dedupe-qa-text} (the opt-in QA-text dedupe, {@code --dedupeQaText}): (1) MiniLM
 * embedding throughput (texts/s on one thread, batch 1 and 32); (2) dedupe-stage throughput with
 * precomputed 384-d embeddings: the per-element work of the stateful steps (LSH keys + compare with
 * each band key's kept set) on one thread, and the whole {@link DedupeEmbeddings} transform on the
 * DirectRunner and on the Flink runner's embedded mini-cluster (parallelism 1), per CPU-second of
 * the process (start-up included); (3) kept-state size over a long synthetic stream (event time
 * advancing, 30% near-duplicates), replaying the stateful steps' state rules (per band key and
 * fixed window, bounded sets, expiry at window end + lateness), reported at intervals: it stays
 * flat.
 *
 * <p>Arguments: {@code --texts=N} (embedding, default 256), {@code --core=N} (default 50000),
 * {@code --beam=N} (default 2000), {@code --stream=N} (default 300000).
 */
public final class QaTextDedupeBenchmark implements Benchmark {
  private static final int DIM = 384;

  @Override
  public String name() {
    return "dedupe-qa-text";
  }

  @Override
  public String description() {
    return "near-duplicate dedupe throughput, MiniLM embedding throughput, state size over a stream";
  }

  private static int arg(List<String> args, String key, int def) {
    for (String a : args) {
      if (a.startsWith("--" + key + "=")) {
        return Integer.parseInt(a.substring(key.length() + 3));
      }
    }
    return def;
  }

  private static long cpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  private static long threadCpuNanos() {
    return ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
  }

  @Override
  public Map<String, Object> run(List<String> args, PrintStream out) throws Exception {
    DjlOffline.enforce();
    Map<String, Object> r = new LinkedHashMap<>();
    DedupeConfig config = DedupeConfig.defaults();
    r.put("config", config.toString());
    embedding(arg(args, "texts", 256), out, r);
    core(config, arg(args, "core", 50_000), out, r);
    beam(config, arg(args, "beam", 2_000), "DirectRunner", out, r);
    beam(config, arg(args, "beam", 2_000), "FlinkRunner", out, r);
    state(config, arg(args, "stream", 300_000), out, r);
    return r;
  }

  private static List<String> captions(int n) {
    String[] colors = {"red", "wooden", "black", "white", "small", "large", "old", "blue"};
    String[] things = {
      "chair", "table", "lamp", "mug", "laptop", "sofa", "night stand", "shelf", "car", "bed"
    };
    List<String> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(
          "How far is the "
              + colors[i % colors.length]
              + " "
              + things[(i / 8) % things.length]
              + " from the "
              + things[(i / 3) % things.length]
              + "? About "
              + (i % 97) / 10.0
              + " meters.");
    }
    return out;
  }

  private static void embedding(int n, PrintStream out, Map<String, Object> r) {
    List<String> texts = captions(n);
    for (int batch : new int[] {1, 32}) {
      try (TextEmbedder e = MiniLmTextEmbedder.create(batch)) {
        e.embed(texts.subList(0, Math.min(16, n))); // warm-up
        long c0 = cpuNanos();
        long t0 = System.nanoTime();
        e.embed(texts);
        double s = (System.nanoTime() - t0) / 1e9;
        double cpu = (cpuNanos() - c0) / 1e9;
        out.printf(
            "minilm embedding, batch %d: %d texts in %.2f s wall (%.1f texts/s), %.2f CPU-s = %.1f texts/CPU-s%n",
            batch, n, s, n / s, cpu, n / cpu);
        r.put("minilm_texts_per_s_batch" + batch, Math.round(n / s * 10) / 10.0);
        r.put("minilm_texts_per_cpu_s_batch" + batch, Math.round(n / cpu * 10) / 10.0);
      }
    }
  }

  /** Unit vectors; about 30% are near-duplicates (cosine ~0.97) of a recent one. */
  private static float[][] embeddings(int n, long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    float[][] v = new float[n][];
    for (int i = 0; i < n; i++) {
      if (i > 10 && rnd.nextDouble() < 0.3) {
        float[] base = v[i - 1 - rnd.nextInt(10)];
        float[] x = new float[DIM];
        for (int d = 0; d < DIM; d++) {
          x[d] = base[d] + (float) (0.012 * gauss(rnd));
        }
        v[i] = Vectors.normalized(x);
      } else {
        float[] x = new float[DIM];
        for (int d = 0; d < DIM; d++) {
          x[d] = (float) gauss(rnd);
        }
        v[i] = Vectors.normalized(x);
      }
    }
    return v;
  }

  private static double gauss(SplittableRandom rnd) {
    return Math.sqrt(-2 * Math.log(1 - rnd.nextDouble()))
        * Math.cos(2 * Math.PI * rnd.nextDouble());
  }

  /** The per-element work of KeyByBand + CompareInBand + Decide, on one thread. */
  private static void core(DedupeConfig c, int n, PrintStream out, Map<String, Object> r) {
    float[][] v = embeddings(n, 1);
    HyperplaneLsh lsh = new HyperplaneLsh(DIM, c.bands(), c.bitsPerBand(), c.seed());
    for (int pass = 0; pass < 2; pass++) { // the first pass warms up the JIT
      Map<String, KeptSet> state = new HashMap<>();
      int dropped = 0;
      long c0 = threadCpuNanos();
      long t0 = System.nanoTime();
      for (int i = 0; i < n; i++) {
        String[] keys = lsh.keys(v[i]);
        boolean dup = false;
        for (String k : keys) {
          KeptSet s = state.computeIfAbsent(k, x -> new KeptSet());
          if (s.bestMatch("e" + i, v[i], i, c.threshold(), Long.MAX_VALUE) != null) {
            dup = true;
          } else {
            s.add(new KeptSet.Entry("e" + i, i, v[i]), c.maxKeptPerKey());
          }
        }
        dropped += dup ? 1 : 0;
      }
      double s = (System.nanoTime() - t0) / 1e9;
      double cpu = (threadCpuNanos() - c0) / 1e9;
      if (pass == 1) {
        double rate = n / cpu;
        out.printf(
            "dedupe core (one thread, 384-d, %s): %d captions in %.2f s wall, %.2f CPU-s = %.0f captions/s/core; %d dropped%n",
            c.bands() + "x" + c.bitsPerBand(), n, s, cpu, rate, dropped);
        r.put("dedupe_core_captions_per_s_per_core", Math.round(rate));
        r.put("dedupe_core_dropped_fraction", Math.round(1000.0 * dropped / n) / 1000.0);
      }
    }
  }

  /** The whole transform on the DirectRunner, per CPU-second of the process. */
  private static void beam(
      DedupeConfig c, int n, String runner, PrintStream out, Map<String, Object> r) {
    float[][] v = embeddings(n, 2);
    List<TimestampedValue<Embedded<String>>> in = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      in.add(TimestampedValue.of(Embedded.of("e" + i, v[i], "e" + i), new Instant(i * 100L)));
    }
    String[] opts =
        runner.equals("FlinkRunner")
            ? new String[] {"--runner=FlinkRunner", "--flinkMaster=[local]", "--parallelism=1"}
            : new String[] {"--runner=" + runner};
    Pipeline p = Pipeline.create(PipelineOptionsFactory.fromArgs(opts).create());
    TupleTag<String> kept = new TupleTag<String>("kept") {};
    p.apply(
            "Embeddings",
            Create.timestamped(in).withCoder(Embedded.EmbeddedCoder.of(StringUtf8Coder.of())))
        .apply("Dedupe", DedupeEmbeddings.of("bench", c, StringUtf8Coder.of(), kept));
    long cpu0 = cpuNanos();
    long t0 = System.nanoTime();
    PipelineResult res = p.run();
    res.waitUntilFinish();
    double wall = (System.nanoTime() - t0) / 1e9;
    double cpu = (cpuNanos() - cpu0) / 1e9;
    long dups = 0;
    for (MetricResult<Long> m :
        res.metrics()
            .queryMetrics(
                MetricsFilter.builder()
                    .addNameFilter(MetricNameFilter.named(Ledger.NAMESPACE, "bench_duplicates"))
                    .build())
            .getCounters()) {
      dups += m.getAttempted();
    }
    out.printf(
        "dedupe transform on the %s: %d captions in %.2f s wall, %.2f CPU-s = %.0f captions/CPU-s; %d dropped%n",
        runner, n, wall, cpu, n / cpu, dups);
    String k = runner.equals("FlinkRunner") ? "flink_local" : "direct";
    r.put("dedupe_beam_" + k + "_captions_per_cpu_s", Math.round(n / cpu));
    r.put("dedupe_beam_" + k + "_wall_s", Math.round(wall * 100) / 100.0);
  }

  /**
   * Replays the stateful steps' state rules over a long stream; reports live state at intervals.
   */
  private static void state(DedupeConfig c, int n, PrintStream out, Map<String, Object> r) {
    HyperplaneLsh lsh = new HyperplaneLsh(DIM, c.bands(), c.bitsPerBand(), c.seed());
    long size = c.windowSize().toMillis();
    long lateness = c.allowedLateness().toMillis();
    long stepMs = 500; // 2 elements per second of event time
    Map<String, KeptSet> state = new HashMap<>();
    Map<String, Long> expiry = new HashMap<>();
    float[][] v = embeddings(Math.min(n, 20_000), 3);
    List<Long> samples = new ArrayList<>();
    int interval = n / 10;
    long maxEntries = 0;
    for (int i = 0; i < n; i++) {
      long ts = i * stepMs;
      long watermark = ts - 5_000;
      for (Iterator<Map.Entry<String, Long>> it = expiry.entrySet().iterator(); it.hasNext(); ) {
        Map.Entry<String, Long> e = it.next();
        if (e.getValue() <= watermark) {
          state.remove(e.getKey());
          it.remove();
        }
      }
      float[] x = v[i % v.length];
      long start = Math.floorDiv(ts, size) * size;
      for (String k : lsh.keys(x)) {
        String key = k + "|" + start;
        KeptSet s = state.computeIfAbsent(key, y -> new KeptSet());
        if (s.bestMatch("e" + i, x, ts, c.threshold(), Long.MAX_VALUE) == null) {
          s.add(new KeptSet.Entry("e" + i, ts, x), c.maxKeptPerKey());
          expiry.putIfAbsent(key, start + size + lateness);
        }
      }
      if ((i + 1) % interval == 0) {
        long entries = 0;
        for (KeptSet s : state.values()) {
          entries += s.size();
        }
        maxEntries = Math.max(maxEntries, entries);
        samples.add(entries);
        out.printf(
            "stream %,d elements (event time %,d s): %,d keys, %,d kept entries = %.1f MB%n",
            i + 1, ts / 1000, state.size(), entries, entries * (4.0 * DIM + 64) / 1e6);
      }
    }
    r.put("state_kept_entries_at_intervals", samples);
    r.put("state_max_mb", Math.round(maxEntries * (4.0 * DIM + 64) / 1e5) / 10.0);
    r.put("state_bound_mb_per_window", Math.round(c.stateBoundBytes(DIM) / 1e5) / 10.0);
  }
}
