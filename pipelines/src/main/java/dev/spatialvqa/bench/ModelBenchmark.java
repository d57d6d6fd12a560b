package dev.spatialvqa.bench;

import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.NoBatchifyTranslator;
import ai.djl.translate.TranslatorContext;
import ai.onnx.proto.OnnxMl;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.spatialvqa.models.FileRef;
import dev.spatialvqa.models.ModelContract;
import dev.spatialvqa.models.ModelPool;
import dev.spatialvqa.models.ModelResolver;
import dev.spatialvqa.models.ModelSpec;
import dev.spatialvqa.models.TensorSpec;
import dev.spatialvqa.runtime.DjlOffline;
import java.io.PrintStream;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.beam.runners.direct.DirectOptions;
import org.apache.beam.runners.direct.DirectRunner;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.io.GenerateSequence;
import org.apache.beam.sdk.metrics.MetricNameFilter;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.metrics.MetricsFilter;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.GroupIntoBatches;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.TypeDescriptors;

/**
 * {@code bench model}: model DoFn throughput through Beam (DirectRunner; GroupIntoBatches; the
 * per-JVM {@link ModelPool}; a DJL predictor per DoFn instance, leased in {@code @Setup}) against a
 * raw ONNX Runtime Java loop over the same compute-heavy graph (an MLP of three large MatMuls
 * built in Java, applied to 64 tokens per row), the same rows (one of 61 precomputed seeded rows
 * by index, so input making costs nothing in either path) and
 * the same batch size and ORT thread settings. One model call runs at a time in both
 * ({@code maxConcurrentPerDevice=1}), so the ratio measures the engine's overhead, not extra
 * parallelism. Each variant runs {@code --reps} times interleaved; the best time of each counts.
 * Checks the two paths' output checksums agree. A warm-up run of each (not counted) comes first:
 * the JVM's first Beam pipeline spends seconds loading classes, which a running worker has paid.
 * Args: {@code --rows=2048 --batch=16 --tokens=64 --dim=512 --hidden=2048 --reps=3 --intraOpThreads=0
 * --shards=4}.
 */
public final class ModelBenchmark implements Benchmark {
  @Override
  public String name() {
    return "model";
  }

  @Override
  public String description() {
    return "model DoFn (Beam + batching + pool) vs raw ONNX Runtime loop; ratio_to_raw_ort";
  }

  @Override
  public Map<String, Object> run(List<String> args, PrintStream out) throws Exception {
    DjlOffline.enforce();
    int rows = intArg(args, "rows", 2048);
    int batch = intArg(args, "batch", 16);
    int tokens = intArg(args, "tokens", 64);
    int dim = intArg(args, "dim", 512);
    int hidden = intArg(args, "hidden", 2048);
    int reps = intArg(args, "reps", 3);
    int intra = intArg(args, "intraOpThreads", 0);
    int shards = intArg(args, "shards", 4);

    Path dir = Files.createTempDirectory("spatialvqa-bench-model");
    Path onnx = writeMlp(dir.resolve("mlp.onnx"), tokens, dim, hidden);
    ModelSpec spec = ModelSpec.custom("bench-mlp",
        new FileRef(onnx.toString(), ModelResolver.sha256(onnx)),
        ModelContract.of(List.of(TensorSpec.of("x", "float32", -1, tokens, dim)),
            List.of(TensorSpec.of("y", "float32", -1, tokens, dim))));
    ModelPool.Settings pool = ModelPool.Settings.cpu().withMaxConcurrentPerDevice(1).withThreads(0, intra);
    // load once (the DoFns' @Setup then lease the loaded model, as on a warm worker)
    ModelPool.shared(pool).lease(spec, new ModelResolver(dir, List.of())).close();
    double mflop = 2.0 * tokens * (dim * hidden * 2L + (long) hidden * hidden) / 1e6;
    out.printf("graph: x[N,%d,%d] -> MatMul %dx%d -> Relu -> MatMul %dx%d -> Relu -> MatMul %dx%d; %.0f MFLOP/row%n",
        tokens, dim, dim, hidden, hidden, hidden, hidden, dim, mflop);
    out.printf("rows=%d batch=%d intraOpThreads=%s reps=%d%n", rows, batch, intra == 0 ? "default" : intra, reps);

    // warm-up: the JVM's first Beam pipeline spends seconds loading classes; a worker is warm
    long w0 = System.nanoTime();
    rawLoop(onnx, 2 * batch, batch, tokens * dim, intra, tokens);
    beam(spec, pool, dir, 2 * shards * batch, batch, tokens * dim, shards, tokens);
    out.printf("warm-up (first pipeline in this JVM, not counted): %.1f s%n", (System.nanoTime() - w0) / 1e9);
    double bestRaw = Double.MAX_VALUE;
    double bestBeam = Double.MAX_VALUE;
    double bestPredict = Double.MAX_VALUE;
    double rawSum = 0;
    double beamSum = 0;
    for (int r = 0; r < reps; r++) {
      long t0 = System.nanoTime();
      rawSum = rawLoop(onnx, rows, batch, tokens * dim, intra, tokens);
      double raw = (System.nanoTime() - t0) / 1e9;
      long t1 = System.nanoTime();
      beamSum = beam(spec, pool, dir, rows, batch, tokens * dim, shards, tokens);
      double bm = (System.nanoTime() - t1) / 1e9;
      out.printf("rep %d: raw ORT %.2f s (%.1f rows/s), Beam %.2f s (%.1f rows/s; %.2f s inside predict)%n",
          r + 1, raw, rows / raw, bm, rows / bm, lastPredictSeconds);
      bestPredict = Math.min(bestPredict, lastPredictSeconds);
      bestRaw = Math.min(bestRaw, raw);
      bestBeam = Math.min(bestBeam, bm);
    }
    boolean same = Math.abs(rawSum - beamSum) <= 1e-4 * Math.max(1, Math.abs(rawSum));
    if (!same) {
      throw new IllegalStateException("Beam and raw ORT outputs differ: " + beamSum + " vs " + rawSum);
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("benchmark", "model");
    m.put("rows", rows);
    m.put("batch", batch);
    m.put("tokens_per_row", tokens);
    m.put("mflop_per_row", Math.round(mflop));
    m.put("raw_ort_rows_per_s", Math.round(rows / bestRaw * 10) / 10.0);
    m.put("beam_rows_per_s", Math.round(rows / bestBeam * 10) / 10.0);
    m.put("ratio_to_raw_ort", Math.round(bestRaw / bestBeam * 1000) / 1000.0);
    m.put("beam_predict_s_best", Math.round(bestPredict * 100) / 100.0);
    m.put("raw_ort_s_best", Math.round(bestRaw * 100) / 100.0);
    m.put("beam_s_best", Math.round(bestBeam * 100) / 100.0);
    m.put("outputs_match", same);
    m.put("cores", Runtime.getRuntime().availableProcessors());
    return m;
  }

  private static final int DISTINCT_ROWS = 61;
  private static final java.util.concurrent.ConcurrentHashMap<Integer, float[][]> ROWS =
      new java.util.concurrent.ConcurrentHashMap<>();

  /**
   * Row {@code index}: one of 61 seeded random rows (cycled), generated once per JVM, so that
   * neither path spends measurable time making inputs (and Beam cannot win by overlapping it).
   */
  static float[] row(long index, int dim) {
    float[][] pool = ROWS.computeIfAbsent(dim, d -> {
      float[][] rows = new float[DISTINCT_ROWS][d];
      for (int r = 0; r < DISTINCT_ROWS; r++) {
        SplittableRandom rnd = new SplittableRandom(r * 0x9E3779B97F4A7C15L + 17);
        for (int i = 0; i < d; i++) {
          rows[r][i] = (float) (rnd.nextDouble() * 2 - 1);
        }
      }
      return rows;
    });
    return pool[(int) (index % DISTINCT_ROWS)];
  }

  private static double rawLoop(Path onnx, int rows, int batch, int dim, int intra, int tokens)
      throws Exception {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    double sum = 0;
    try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
      if (intra > 0) {
        o.setIntraOpNumThreads(intra);
      }
      try (OrtSession s = env.createSession(onnx.toString(), o)) {
        for (int start = 0; start < rows; start += batch) {
          int n = Math.min(batch, rows - start);
          float[] x = new float[n * dim];
          for (int i = 0; i < n; i++) {
            System.arraycopy(row(start + i, dim), 0, x, i * dim, dim);
          }
          try (OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), new long[] {n, tokens, dim / tokens});
              OrtSession.Result res = s.run(Map.of("x", t))) {
            FloatBuffer y = ((OnnxTensor) res.get(0)).getFloatBuffer();
            while (y.hasRemaining()) {
              sum += y.get();
            }
          }
        }
      }
    }
    return sum;
  }

  /** Seconds inside the predictor (translate + run, no permit waits) during the last Beam run. */
  private static double lastPredictSeconds;

  private static double beam(ModelSpec spec, ModelPool.Settings pool, Path cache, int rows, int batch, int dim,
      int shards, int tokens) {
    DirectOptions opts = PipelineOptionsFactory.create().as(DirectOptions.class);
    opts.setRunner(DirectRunner.class);
    opts.setEnforceImmutability(false);
    opts.setEnforceEncodability(false);
    Pipeline p = Pipeline.create(opts);
    p.apply("Rows", GenerateSequence.from(0).to(rows))
        .apply("KeyByShard", MapElements
            .into(TypeDescriptors.kvs(TypeDescriptors.integers(), TypeDescriptors.longs()))
            .via((Long i) -> KV.of((int) (i % shards), i)))
        .setCoder(KvCoder.of(VarIntCoder.of(), VarLongCoder.of()))
        .apply("GroupIntoBatches", GroupIntoBatches.<Integer, Long>ofSize(batch))
        .apply("Model", ParDo.of(new ModelFn(spec, pool, cache.toString(), dim, tokens)));
    PipelineResult r = p.run();
    r.waitUntilFinish();
    lastPredictSeconds = 0;
    for (MetricResult<Long> c : r.metrics().queryMetrics(MetricsFilter.builder()
        .addNameFilter(MetricNameFilter.named("bench", "predict_micros")).build()).getCounters()) {
      lastPredictSeconds += c.getAttempted() / 1e6;
    }
    double sum = 0;
    for (MetricResult<Long> c : r.metrics().queryMetrics(MetricsFilter.builder()
        .addNameFilter(MetricNameFilter.named("bench", "checksum_micros")).build()).getCounters()) {
      sum += c.getAttempted() / 1e6;
    }
    return sum;
  }

  /** The model DoFn: pool lease + predictor in @Setup, one batched call per batch. */
  static final class ModelFn extends DoFn<KV<Integer, Iterable<Long>>, Void> {
    private final ModelSpec spec;
    private final ModelPool.Settings pool;
    private final String cache;
    private final int dim;
    private final int tokens;
    private transient ModelPool.Lease lease;
    private transient Predictor<float[][], float[]> predictor;

    ModelFn(ModelSpec spec, ModelPool.Settings pool, String cache, int dim, int tokens) {
      this.spec = spec;
      this.pool = pool;
      this.cache = cache;
      this.dim = dim;
      this.tokens = tokens;
    }

    @Setup
    public void setup() {
      lease = ModelPool.shared(pool).lease(spec, new ModelResolver(Path.of(cache), List.of()));
      predictor = lease.newPredictor(new RowsTranslator(tokens));
    }

    @ProcessElement
    public void process(@Element KV<Integer, Iterable<Long>> b) throws Exception {
      List<float[]> xs = new ArrayList<>();
      for (long i : b.getValue()) {
        xs.add(row(i, dim));
      }
      float[] y = lease.predict(predictor, xs.toArray(new float[0][]));
      double sum = 0;
      for (float v : y) {
        sum += v;
      }
      Metrics.counter("bench", "checksum_micros").inc(Math.round(sum * 1e6));
    }

    @Teardown
    public void teardown() {
      if (predictor != null) {
        predictor.close();
        lease.close();
      }
    }
  }

  /** Rows of tokens*dim floats in, the flat output back. */
  static final class RowsTranslator implements NoBatchifyTranslator<float[][], float[]> {
    private final int tokens;

    RowsTranslator(int tokens) {
      this.tokens = tokens;
    }

    @Override
    public NDList processInput(TranslatorContext ctx, float[][] rows) {
      ctx.setAttachment("t0", System.nanoTime());
      int d = rows[0].length;
      float[] flat = new float[rows.length * d];
      for (int i = 0; i < rows.length; i++) {
        System.arraycopy(rows[i], 0, flat, i * d, d);
      }
      NDArray x = ctx.getNDManager().create(flat, new Shape(rows.length, tokens, d / tokens));
      x.setName("x");
      return new NDList(x);
    }

    @Override
    public float[] processOutput(TranslatorContext ctx, NDList list) {
      float[] y = list.get(0).toFloatArray();
      // time from input translation to output translation, excluding waits for the device permit
      Metrics.counter("bench", "predict_micros").inc((System.nanoTime() - (Long) ctx.getAttachment("t0")) / 1000);
      return y;
    }
  }

  /** y = W3 relu(W2 relu(W1 x)), weights seeded, scaled to keep activations O(1). */
  static Path writeMlp(Path file, int tokens, int dim, int hidden) throws Exception {
    OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder().setName("bench_mlp");
    g.addInput(value("x", tokens, dim));
    g.addOutput(value("y", tokens, dim));
    g.addInitializer(weights("w1", dim, hidden, 1));
    g.addInitializer(weights("w2", hidden, hidden, 2));
    g.addInitializer(weights("w3", hidden, dim, 3));
    g.addNode(node("MatMul", "mm1", "x", "w1", "h1"));
    g.addNode(OnnxMl.NodeProto.newBuilder().setOpType("Relu").setName("r1").addInput("h1").addOutput("a1"));
    g.addNode(node("MatMul", "mm2", "a1", "w2", "h2"));
    g.addNode(OnnxMl.NodeProto.newBuilder().setOpType("Relu").setName("r2").addInput("h2").addOutput("a2"));
    g.addNode(node("MatMul", "mm3", "a2", "w3", "y"));
    byte[] bytes = OnnxMl.ModelProto.newBuilder().setIrVersion(8).setProducerName("spatialvqa-bench")
        .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(17))
        .setGraph(g).build().toByteArray();
    Files.write(file, bytes);
    return file;
  }

  private static OnnxMl.NodeProto.Builder node(String op, String name, String a, String b, String out) {
    return OnnxMl.NodeProto.newBuilder().setOpType(op).setName(name).addInput(a).addInput(b).addOutput(out);
  }

  private static OnnxMl.TensorProto weights(String name, int rows, int cols, long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    float scale = (float) Math.sqrt(2.0 / rows);
    OnnxMl.TensorProto.Builder t = OnnxMl.TensorProto.newBuilder().setName(name)
        .setDataType(OnnxMl.TensorProto.DataType.FLOAT.getNumber()).addDims(rows).addDims(cols);
    for (int i = 0; i < rows * cols; i++) {
      t.addFloatData((float) (rnd.nextDouble() * 2 - 1) * scale);
    }
    return t.build();
  }

  private static OnnxMl.ValueInfoProto value(String name, int tokens, int dim) {
    return OnnxMl.ValueInfoProto.newBuilder().setName(name).setType(OnnxMl.TypeProto.newBuilder()
        .setTensorType(OnnxMl.TypeProto.Tensor.newBuilder()
            .setElemType(OnnxMl.TensorProto.DataType.FLOAT.getNumber())
            .setShape(OnnxMl.TensorShapeProto.newBuilder()
                .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimParam("n"))
                .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(tokens))
                .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(dim)))))
        .build();
  }

  private static int intArg(List<String> args, String name, int def) {
    for (String a : args) {
      if (a.startsWith("--" + name + "=")) {
        return Integer.parseInt(a.substring(name.length() + 3));
      }
    }
    return def;
  }
}
