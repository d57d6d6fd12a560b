package dev.spatialvqa.benchmarks;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/** The registry of named benchmarks. One line per benchmark. */
public final class Benchmarks {
  private Benchmarks() {}

  public static Map<String, Supplier<Benchmark>> all() {
    Map<String, Supplier<Benchmark>> m = new LinkedHashMap<>();
    m.put("geometry", GeometryBenchmark::new);
    m.put("qa", QaGenerationBenchmark::new);
    m.put("mix", MixBenchmark::new);
    m.put("fetch", FetchBenchmark::new);
    m.put("dedupe", DedupeBenchmark::new);
    m.put("dedupe-qa-text", QaTextDedupeBenchmark::new);
    m.put("model", ModelBenchmark::new);
    m.put("pipeline", PipelineBenchmark::new);
    return m;
  }
}
