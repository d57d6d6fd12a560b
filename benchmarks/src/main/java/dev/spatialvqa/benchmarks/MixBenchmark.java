package dev.spatialvqa.benchmarks;

import dev.spatialvqa.core.mix.TokenCounter;
import dev.spatialvqa.core.runtime.DjlOffline;
import dev.spatialvqa.schemas.Provenance;
import dev.spatialvqa.schemas.QaKind;
import dev.spatialvqa.schemas.QaRecord;
import dev.spatialvqa.transforms.errors.Ledger;
import dev.spatialvqa.transforms.mix.MixGate;
import dev.spatialvqa.transforms.mix.TokenizerSpec;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.extensions.avro.coders.AvroCoder;
import org.apache.beam.sdk.metrics.MetricNameFilter;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.MetricsFilter;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.TimestampedValue;
import org.joda.time.Duration;
import org.joda.time.Instant;

/**
 * {@code bench mix}: token counting throughput of the default tokenizer (QA per second on one
 * thread), and the mix gate end to end on the DirectRunner (QA per second through counting, the
 * one-key gate and its accounting) over windows with more spatial supply than the 5% share admits.
 */
public final class MixBenchmark implements Benchmark {
  @Override
  public String name() {
    return "mix";
  }

  @Override
  public String description() {
    return "token counting and mix gate throughput (--qa=N QA, default 20000; --windows=W, default 20)";
  }

  @Override
  public Map<String, Object> run(List<String> args, PrintStream out) throws Exception {
    DjlOffline.enforce();
    int n = intArg(args, "qa", 20_000);
    int windows = intArg(args, "windows", 20);
    List<QaRecord> qa = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      qa.add(qa(i));
    }

    // 1. counting on one thread (warm-up on the first 1000 first)
    long textTokens = 0;
    double countSeconds;
    try (TokenCounter c = TokenCounter.loadDefault(576)) {
      for (int i = 0; i < Math.min(1000, n); i++) {
        c.countQa(qa.get(i).getQuestion(), qa.get(i).getAnswer());
      }
      long t0 = System.nanoTime();
      for (QaRecord r : qa) {
        textTokens += c.countQaText(r.getQuestion(), r.getAnswer());
      }
      countSeconds = (System.nanoTime() - t0) / 1e9;
    }
    double countRate = n / countSeconds;
    out.printf(
        "token counting: %d QA, %d text tokens in %.2f s = %.0f QA/s on one thread%n",
        n, textTokens, countSeconds, countRate);

    // 2. the gate end to end: W one-minute windows; general tokens for ~half the supply at 5%
    long meanQaTokens = textTokens / n + 576;
    long generalPerWindow = (long) (meanQaTokens * (n / (double) windows) * 19 / 2);
    List<TimestampedValue<QaRecord>> spatial = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      spatial.add(
          TimestampedValue.of(
              qa.get(i), new Instant((long) (i % windows) * 60_000 + 1 + i % 59_000)));
    }
    List<TimestampedValue<String>> general = new ArrayList<>();
    for (int w = 0; w < windows; w++) {
      for (int k = 0; k < 10; k++) {
        general.add(
            TimestampedValue.of(
                "{\"num_tokens\": " + generalPerWindow / 10 + "}",
                new Instant(w * 60_000L + 30_000 + k)));
      }
    }
    Pipeline p =
        Pipeline.create(
            PipelineOptionsFactory.fromArgs(
                    "--runner=DirectRunner",
                    "--enforceImmutability=false",
                    "--enforceEncodability=false")
                .create());
    MixGate.Result r =
        p.apply("Qa", Create.timestamped(spatial).withCoder(AvroCoder.specific(QaRecord.class)))
            .apply(
                "MixGate",
                MixGate.create()
                    // per_qa: every QA pays its image, as the supply estimate above assumes
                    .withLayout(dev.spatialvqa.core.mix.ExportLayout.PER_QA)
                    .withWindowSize(Duration.standardMinutes(1))
                    .withTokenizer(TokenizerSpec.defaults())
                    .withGeneralMix(
                        p.apply(
                            "General",
                            Create.timestamped(general).withCoder(StringUtf8Coder.of()))));
    long t0 = System.nanoTime();
    PipelineResult result = p.run();
    result.waitUntilFinish();
    double gateSeconds = (System.nanoTime() - t0) / 1e9;
    long admitted = counter(result, "mix.qa_admitted");
    long reserved = counter(result, "mix.qa_reserved");
    out.printf(
        "gate (DirectRunner): %d QA in %d windows in %.2f s = %.0f QA/s; admitted %d, reserve %d%n",
        n, windows, gateSeconds, n / gateSeconds, admitted, reserved);

    Map<String, Object> m = new LinkedHashMap<>();
    m.put("qa", n);
    m.put("windows", windows);
    m.put("count_qa_per_s_one_thread", Math.round(countRate));
    m.put("mean_text_tokens_per_qa", textTokens / (double) n);
    m.put("gate_qa_per_s_direct_runner", Math.round(n / gateSeconds));
    m.put("gate_seconds", gateSeconds);
    m.put("admitted", admitted);
    m.put("reserved", reserved);
    m.put("conserved", admitted + reserved == n);
    m.put("cores", Runtime.getRuntime().availableProcessors());
    return m;
  }

  private static long counter(PipelineResult r, String name) {
    long sum = 0;
    for (MetricResult<Long> c :
        r.metrics()
            .queryMetrics(
                MetricsFilter.builder()
                    .addNameFilter(MetricNameFilter.named(Ledger.NAMESPACE, name))
                    .build())
            .getCounters()) {
      sum += c.getAttempted();
    }
    return sum;
  }

  private static int intArg(List<String> args, String key, int def) {
    for (String a : args) {
      if (a.startsWith("--" + key + "=")) {
        return Integer.parseInt(a.substring(key.length() + 3));
      }
    }
    return def;
  }

  private static final String[] OBJECTS = {
    "chair", "table", "lamp", "sofa", "bookshelf", "monitor", "bed", "door"
  };

  private static QaRecord qa(int i) {
    String a = OBJECTS[i % OBJECTS.length];
    String b = OBJECTS[(i / OBJECTS.length + 1 + i) % OBJECTS.length];
    return QaRecord.newBuilder()
        .setQaId(String.format("bench-%08d", i))
        .setSceneId("scene-" + i / 30)
        .setImageUri("file:///bench/" + i / 30 + ".jpg")
        .setQuestion("How far is the " + a + " from the " + b + " in this room?")
        .setAnswer(
            "The "
                + a
                + " is about "
                + (1 + i % 5)
                + "."
                + (i % 10)
                + " meters from the "
                + b
                + ".")
        .setQuestionType("distance")
        .setKind(QaKind.quantitative)
        .setObjectIds(List.of(a + "-" + i, b))
        .setTemplateId("distance/q0")
        .setProvenance(Provenance.newBuilder().setEngineVersion("bench").build())
        .build();
  }
}
