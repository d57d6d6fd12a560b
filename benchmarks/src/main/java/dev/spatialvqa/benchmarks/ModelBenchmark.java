package dev.spatialvqa.benchmarks;

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
import dev.spatialvqa.core.models.FileRef;
import dev.spatialvqa.core.models.ModelContract;
import dev.spatialvqa.core.models.ModelPool;
import dev.spatialvqa.core.models.ModelResolver;
import dev.spatialvqa.core.models.ModelSpec;
import dev.spatialvqa.core.models.TensorSpec;
import dev.spatialvqa.core.runtime.DjlOffline;
import java.io.PrintStream;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.beam.runners.direct.DirectOptions;
import org.apache.beam.runners.direct.DirectRunner;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.io.GenerateSequence;
import org.apache.beam.sdk.metrics.MetricNameFilter;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.metrics.MetricsFilter;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.GroupIntoBatches;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.SimpleFunction;
import org.apache.beam.sdk.values.KV;

/**
 * {@code bench model}: model DoFn throughput through Beam (GroupIntoBatches; the per-JVM {@link
 * ModelPool}; a DJL predictor per DoFn instance, leased in {@code @Setup}) against a raw ONNX
 * Runtime Java loop over the same compute-heavy graph (an MLP of three large MatMuls built in Java,
 * applied to 64 tokens per row), the same rows (one of 61 precomputed seeded rows by index, so
 * input making costs nothing in either path), the same batch size and the same ONNX Runtime session
 * options ({@link ModelPool.Settings#sessionOptions}: threads, spin-waiting). One model call runs
 * at a time in both ({@code maxConcurrentPerDevice=1}) and the runner runs one worker thread (Flink
 * parallelism 1, DirectRunner {@code targetParallelism=1}), so the ratio measures the engine's
 * overhead, not extra parallelism. The raw session is created once, outside the timed loops.
 *
 * <p>Legs ({@code --legs}): by default ({@code one-pipeline}) every Beam leg is a stretch of {@code
 * --rows} rows of one long-running pipeline and the raw legs run between those stretches on the
 * pipeline's worker thread, so both sides see the same warm JVM, as on a worker that runs for hours
 * (see {@link #runOnePipeline}); {@code pipelines} builds a new pipeline per Beam leg (the earlier
 * method: each leg then pays pipeline construction and its JIT compilation). The legs run in {@code
 * --pairs} pairs in ABBA order (raw, Beam, Beam, raw, raw, Beam, ...); {@code ratio_to_raw_ort} is
 * the median of the pairs' raw/Beam time ratios, so a burst of machine load biases one pair, not
 * one side. Output checksums are checked against per-row sums.
 *
 * <p>Runner ({@code --runner}): {@code flink} (default; the Flink runner's embedded mini-cluster,
 * the runner this engine uses at scale) or {@code direct}. The DirectRunner translates a
 * runner-replaced stateful ParDo (what GroupIntoBatches becomes) back to protos and serializes its
 * DoFn for every bundle ({@code ParDoEvaluatorFactory} calls {@code ParDoTranslation}), a
 * local-test cost that the JIT keeps compiling into the Beam legs; its figure is reported by {@code
 * --runner=direct}.
 *
 * <p>Args: {@code --rows=2048 --batch=16 --tokens=64 --dim=512 --hidden=2048 --pairs=5
 * --intraOpThreads=0 --ortSpinWait=false --shards=4 --warmupRows=ROWS --runner=flink
 * --legs=one-pipeline --warmupSegments=2}; with {@code --legs=pipelines} also {@code
 * --warmupBeamRuns=3 --djlLoop=false} (intra-op 0 = the pool's default, cores /
 * maxConcurrentPerDevice; {@code --djlLoop} adds a third leg per pair, the pool's DJL predictor in
 * a plain loop without Beam, to split DJL's cost from Beam's).
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

  /** The benchmark's settings, from {@code --name=value} arguments. */
  record Config(
      int rows,
      int batch,
      int tokens,
      int dim,
      int hidden,
      int pairs,
      int intraOpThreads,
      boolean spinWait,
      int shards,
      int warmupRows,
      String runner,
      String legs,
      int warmupSegments) {
    Config {
      if (rows < 1
          || batch < 1
          || tokens < 1
          || dim < 1
          || hidden < 1
          || pairs < 1
          || shards < 1
          || warmupRows < 1) {
        throw new IllegalArgumentException(
            "--rows, --batch, --tokens, --dim, --hidden, --pairs, --shards and --warmupRows must be >= 1");
      }
      if (intraOpThreads < 0) {
        throw new IllegalArgumentException(
            "--intraOpThreads must be >= 0 (0 = default), got " + intraOpThreads);
      }
      if (!runner.equals("flink") && !runner.equals("direct")) {
        throw new IllegalArgumentException(
            "--runner must be flink or direct, got '" + runner + "'");
      }
      if (!legs.equals("one-pipeline") && !legs.equals("pipelines")) {
        throw new IllegalArgumentException(
            "--legs must be one-pipeline or pipelines, got '" + legs + "'");
      }
      if (warmupSegments < 0) {
        throw new IllegalArgumentException("--warmupSegments must be >= 0, got " + warmupSegments);
      }
      if (legs.equals("one-pipeline") && rows % ((long) batch * shards) != 0) {
        throw new IllegalArgumentException(
            "--legs=one-pipeline needs --rows to be a multiple of --batch x --shards ("
                + (long) batch * shards
                + "), so that every batch is full and every leg is whole batches; got "
                + rows);
      }
    }

    static Config parse(List<String> args) {
      int rows = intArg(args, "rows", 2048);
      return new Config(
          rows,
          intArg(args, "batch", 16),
          intArg(args, "tokens", 64),
          intArg(args, "dim", 512),
          intArg(args, "hidden", 2048),
          intArg(args, "pairs", intArg(args, "reps", 5)),
          intArg(args, "intraOpThreads", 0),
          boolArg(args, "ortSpinWait", false),
          intArg(args, "shards", 4),
          intArg(args, "warmupRows", rows),
          stringArg(args, "runner", "flink"),
          stringArg(args, "legs", "one-pipeline"),
          intArg(args, "warmupSegments", 2));
    }

    /** The pool settings both paths use: one call at a time, these threads and spinning. */
    ModelPool.Settings pool() {
      return ModelPool.Settings.cpu()
          .withMaxConcurrentPerDevice(1)
          .withThreads(0, intraOpThreads)
          .withSpinWait(spinWait);
    }
  }

  @Override
  public Map<String, Object> run(List<String> args, PrintStream out) throws Exception {
    DjlOffline.enforce();
    Config c = Config.parse(args);
    int rows = c.rows();
    int batch = c.batch();
    int tokens = c.tokens();
    int dim = c.dim();
    int shards = c.shards();

    Path dir = Files.createTempDirectory("spatialvqa-bench-model");
    Path onnx = writeMlp(dir.resolve("mlp.onnx"), tokens, dim, c.hidden());
    ModelSpec spec =
        ModelSpec.custom(
            "bench-mlp",
            new FileRef(onnx.toString(), ModelResolver.sha256(onnx)),
            ModelContract.of(
                List.of(TensorSpec.of("x", "float32", -1, tokens, dim)),
                List.of(TensorSpec.of("y", "float32", -1, tokens, dim))));
    ModelPool.Settings pool = c.pool();
    // load once (the DoFns' @Setup then lease the loaded model, as on a warm worker)
    ModelPool.shared(pool).lease(spec, new ModelResolver(dir, List.of())).close();
    int cores = Runtime.getRuntime().availableProcessors();
    double mflop =
        2.0 * tokens * (dim * (long) c.hidden() * 2L + (long) c.hidden() * c.hidden()) / 1e6;
    out.printf(
        "graph: x[N,%d,%d] -> MatMul %dx%d -> Relu -> MatMul %dx%d -> Relu -> MatMul %dx%d; %.0f MFLOP/row%n",
        tokens, dim, dim, c.hidden(), c.hidden(), c.hidden(), c.hidden(), dim, mflop);
    out.printf(
        "rows=%d batch=%d pairs=%d; ONNX Runtime (both paths): intra-op threads %d%s, spin-wait %s;"
            + " runner: %s%n",
        rows,
        batch,
        c.pairs(),
        pool.intraOpThreadsFor(cores),
        c.intraOpThreads() == 0 ? " (default: " + cores + " cores / 1 concurrent call)" : "",
        c.spinWait() ? "on" : "off",
        c.runner().equals("flink")
            ? "Flink (embedded mini-cluster, parallelism 1)"
            : "DirectRunner (targetParallelism=1)");

    OrtEnvironment env = OrtEnvironment.getEnvironment();
    if (c.legs().equals("one-pipeline")) {
      if (boolArg(args, "djlLoop", false)) {
        throw new IllegalArgumentException("--djlLoop needs --legs=pipelines");
      }
      return runOnePipeline(c, spec, dir, onnx, env, cores, mflop, out);
    }
    double bestRaw = Double.MAX_VALUE;
    double bestBeam = Double.MAX_VALUE;
    double bestPredict = Double.MAX_VALUE;
    double rawSum = 0;
    double beamSum = 0;
    List<Double> ratios = new ArrayList<>();
    List<Double> wallRatios = new ArrayList<>();
    List<Double> djlRatios = new ArrayList<>();
    List<Long> jitInBeam = new ArrayList<>();
    boolean djlLoop = boolArg(args, "djlLoop", false);
    List<Double> fixed = new ArrayList<>();
    double bestBeamWall = Double.POSITIVE_INFINITY;
    // the raw session is made once, outside the timed loops, with the pool's session options
    try (OrtSession.SessionOptions o = pool.sessionOptions();
        OrtSession session = env.createSession(onnx.toString(), o)) {
      // warm-up: the JVM's first Beam pipeline spends seconds loading classes, and the per-element
      // paths need thousands of calls before the JIT has compiled them; a running worker is warm
      long w0 = System.nanoTime();
      rawLoop(env, session, c.warmupRows(), batch, tokens * dim, tokens);
      // the Beam side gets several warm-up runs: every run builds, translates and clones a new
      // pipeline, and the JIT keeps compiling that code (and the runner's) for several runs
      int warmupBeamRuns = intArg(args, "warmupBeamRuns", 3);
      StringBuilder warmJit = new StringBuilder();
      for (int i = 0; i < warmupBeamRuns; i++) {
        long j0 = jitMillis();
        beam(c.runner(), spec, pool, dir, c.warmupRows(), batch, tokens * dim, shards, tokens);
        warmJit.append(i == 0 ? "" : ", ").append(jitMillis() - j0);
      }
      out.printf(
          "warm-up (%d rows raw, %d x %d rows Beam with %s ms of JIT compilation; not counted): %.1f s%n",
          c.warmupRows(), warmupBeamRuns, c.warmupRows(), warmJit, (System.nanoTime() - w0) / 1e9);
      for (int r = 0; r < c.pairs(); r++) {
        // ABBA order (raw first in odd pairs, Beam first in even ones): a drift in the machine's
        // speed within a pair (CPU credits, a neighbour's load) does not always hit the same side
        double raw = 0;
        double bm = 0;
        for (int leg = 0; leg < 2; leg++) {
          if ((leg == 0) == (r % 2 == 0)) {
            long t0 = System.nanoTime();
            rawSum = rawLoop(env, session, rows, batch, tokens * dim, tokens);
            raw = (System.nanoTime() - t0) / 1e9;
          } else {
            long j1 = jitMillis();
            long t1 = System.nanoTime();
            beamSum = beam(c.runner(), spec, pool, dir, rows, batch, tokens * dim, shards, tokens);
            bm = (System.nanoTime() - t1) / 1e9;
            lastJitMillis = jitMillis() - j1;
          }
        }
        double steady = lastSteadySeconds;
        jitInBeam.add(lastJitMillis);
        if (djlLoop) {
          long t2 = System.nanoTime();
          double djlSum = djlLoop(spec, pool, dir, rows, batch, tokens * dim, tokens);
          double djl = (System.nanoTime() - t2) / 1e9;
          djlRatios.add(raw / djl);
          out.printf(
              "pair %d: DJL predictor in a plain loop (no Beam) %.2f s (%.1f rows/s); raw/DJL %.3f%s%n",
              r + 1,
              djl,
              rows / djl,
              raw / djl,
              Math.abs(djlSum - rawSum) <= 1e-4 * Math.max(1, Math.abs(rawSum))
                  ? ""
                  : " OUTPUTS DIFFER");
        }
        ratios.add(raw / steady);
        wallRatios.add(raw / bm);
        fixed.add(bm - steady);
        out.printf(
            "pair %d: raw ORT %.2f s (%.1f rows/s), Beam %.2f s first call to last (%.1f rows/s; %.2f s"
                + " inside predict; %.2f s wall with pipeline start and finish; %d ms of JIT compilation meanwhile);"
                + " ratio %.3f (%.3f with start and finish)%n",
            r + 1,
            raw,
            rows / raw,
            steady,
            rows / steady,
            lastPredictSeconds,
            bm,
            lastJitMillis,
            raw / steady,
            raw / bm);
        bestPredict = Math.min(bestPredict, lastPredictSeconds);
        bestRaw = Math.min(bestRaw, raw);
        bestBeam = Math.min(bestBeam, steady);
        bestBeamWall = Math.min(bestBeamWall, bm);
      }
    }
    boolean same = Math.abs(rawSum - beamSum) <= 1e-4 * Math.max(1, Math.abs(rawSum));
    if (!same) {
      throw new IllegalStateException(
          "Beam and raw ORT outputs differ: " + beamSum + " vs " + rawSum);
    }
    double median = median(ratios);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("benchmark", "model");
    m.put("legs", "pipelines");
    m.put("runner", c.runner());
    m.put("rows", rows);
    m.put("batch", batch);
    m.put("tokens_per_row", tokens);
    m.put("mflop_per_row", Math.round(mflop));
    m.put("pairs", c.pairs());
    m.put("intra_op_threads", pool.intraOpThreadsFor(cores));
    m.put("ort_spin_wait", c.spinWait());
    m.put("raw_ort_rows_per_s", Math.round(rows / bestRaw * 10) / 10.0);
    m.put("beam_rows_per_s", Math.round(rows / bestBeam * 10) / 10.0);
    m.put("ratio_to_raw_ort", Math.round(median * 1000) / 1000.0);
    m.put("ratio_best_times", Math.round(bestRaw / bestBeam * 1000) / 1000.0);
    m.put("pair_ratios", ratios.stream().map(x -> Math.round(x * 1000) / 1000.0).toList());
    m.put("ratio_with_pipeline_start", Math.round(median(wallRatios) * 1000) / 1000.0);
    m.put("beam_pipeline_start_finish_s", Math.round(median(fixed) * 100) / 100.0);
    m.put("beam_wall_s_best", Math.round(bestBeamWall * 100) / 100.0);
    m.put("jit_ms_in_beam_legs", jitInBeam);
    if (!djlRatios.isEmpty()) {
      m.put("ratio_djl_loop_to_raw_ort", Math.round(median(djlRatios) * 1000) / 1000.0);
    }
    m.put("beam_predict_s_best", Math.round(bestPredict * 100) / 100.0);
    m.put("raw_ort_s_best", Math.round(bestRaw * 100) / 100.0);
    m.put("beam_s_best", Math.round(bestBeam * 100) / 100.0);
    m.put("outputs_match", same);
    m.put("cores", cores);
    return m;
  }

  /**
   * {@code --legs=one-pipeline} (the default): every Beam leg is a stretch of one long-running
   * pipeline, and the raw legs run between those stretches on the pipeline's own worker thread,
   * from inside the model DoFn. Each leg then sees the same JVM: the pipeline is built, translated
   * and JIT-compiled once (as on a worker that runs for hours), instead of once per leg, which put
   * 0.2-4 s of compilation into every Beam leg of {@code --legs=pipelines}. The pipeline processes
   * {@code (warmupSegments + pairs) * rows} rows; its first {@code warmupSegments} stretches of
   * {@code rows} rows are not counted. A Beam leg's time runs from the previous stretch's last
   * model call to its own last call, minus any raw leg run in between, so every per-element and
   * per-batch cost of the DirectRunner, GroupIntoBatches and the pool between calls is in it.
   */
  private static Map<String, Object> runOnePipeline(
      Config c,
      ModelSpec spec,
      Path dir,
      Path onnx,
      OrtEnvironment env,
      int cores,
      double mflop,
      PrintStream out)
      throws Exception {
    int warmupSegments = c.warmupSegments();
    int rows = c.rows();
    int dim = c.tokens() * c.dim();
    ModelPool.Settings pool = c.pool();
    long total = (long) (warmupSegments + c.pairs()) * rows;
    out.printf(
        "legs: one pipeline of %d rows (%d warm-up stretches of %d rows, then %d Beam legs of %d rows);"
            + " the raw legs run between the Beam legs on the pipeline's worker thread%n",
        total, warmupSegments, rows, c.pairs(), rows);
    try (OrtSession.SessionOptions o = pool.sessionOptions();
        OrtSession session = env.createSession(onnx.toString(), o)) {
      double[] perRow = perRowSums(env, session, c.batch(), dim, c.tokens());
      long w0 = System.nanoTime();
      rawLoop(env, session, c.warmupRows(), c.batch(), dim, c.tokens());
      out.printf(
          "raw warm-up (%d rows, not counted): %.1f s%n",
          c.warmupRows(), (System.nanoTime() - w0) / 1e9);
      Interleave il = new Interleave(env, session, c, warmupSegments, out);
      Interleave.current = il;
      double beamSum;
      long t0 = System.nanoTime();
      try {
        beamSum = beam(c.runner(), spec, pool, dir, total, c.batch(), dim, c.shards(), c.tokens());
      } finally {
        Interleave.current = null;
      }
      double wall = (System.nanoTime() - t0) / 1e9;
      if (il.failure != null) {
        throw new IllegalStateException("a raw leg failed inside the pipeline", il.failure);
      }
      if (il.beam.size() != c.pairs() || il.raw.size() != c.pairs()) {
        throw new IllegalStateException(
            "expected "
                + c.pairs()
                + " raw and Beam legs, got "
                + il.raw.size()
                + " raw and "
                + il.beam.size()
                + " Beam (rows processed: "
                + il.rowsDone
                + " of "
                + total
                + ")");
      }
      double wantBeam = expectedSum(perRow, total);
      double wantRaw = expectedSum(perRow, rows);
      boolean same =
          close(beamSum, wantBeam) && il.rawSums.stream().allMatch(x -> close(x, wantRaw));
      if (!same) {
        throw new IllegalStateException(
            "outputs differ from the per-row checksums: Beam "
                + beamSum
                + " (want "
                + wantBeam
                + "), raw legs "
                + il.rawSums
                + " (want "
                + wantRaw
                + ")");
      }
      List<Double> ratios = new ArrayList<>();
      for (int r = 0; r < c.pairs(); r++) {
        ratios.add(il.raw.get(r) / il.beam.get(r));
        out.printf(
            "pair %d: raw ORT %.2f s (%.1f rows/s; %d ms of JIT compilation meanwhile), Beam %.2f s"
                + " (%.1f rows/s; %d ms of JIT compilation meanwhile); ratio %.3f%n",
            r + 1,
            il.raw.get(r),
            rows / il.raw.get(r),
            il.jitRaw.get(r),
            il.beam.get(r),
            rows / il.beam.get(r),
            il.jitBeam.get(r),
            ratios.get(r));
      }
      double bestRaw = il.raw.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
      double bestBeam = il.beam.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
      double sumRaw = il.raw.stream().mapToDouble(Double::doubleValue).sum();
      double sumBeam = il.beam.stream().mapToDouble(Double::doubleValue).sum();
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("benchmark", "model");
      m.put("legs", "one-pipeline");
      m.put("runner", c.runner());
      m.put("rows", rows);
      m.put("batch", c.batch());
      m.put("tokens_per_row", c.tokens());
      m.put("mflop_per_row", Math.round(mflop));
      m.put("pairs", c.pairs());
      m.put("warmup_segments", warmupSegments);
      m.put("intra_op_threads", pool.intraOpThreadsFor(cores));
      m.put("ort_spin_wait", c.spinWait());
      m.put("raw_ort_rows_per_s", round1(rows / bestRaw));
      m.put("beam_rows_per_s", round1(rows / bestBeam));
      m.put("ratio_to_raw_ort", round3(median(ratios)));
      m.put("ratio_total_times", round3(sumRaw / sumBeam));
      m.put("ratio_best_times", round3(bestRaw / bestBeam));
      m.put("pair_ratios", ratios.stream().map(ModelBenchmark::round3).toList());
      m.put("jit_ms_in_beam_legs", il.jitBeam);
      m.put("jit_ms_in_raw_legs", il.jitRaw);
      m.put("pipeline_start_s", round2((il.firstCall - t0) / 1e9));
      m.put("pipeline_wall_s", round2(wall));
      m.put("raw_ort_s_best", round2(bestRaw));
      m.put("beam_s_best", round2(bestBeam));
      m.put("outputs_match", true);
      m.put("cores", cores);
      return m;
    }
  }

  /**
   * The raw legs' schedule in ABBA pair order (raw first in odd pairs, Beam first in even ones):
   * element {@code j} is how many raw legs run right before Beam leg {@code j}, the last element
   * how many run after the last Beam leg. For 5 pairs: R B B R R B B R R B = [1, 0, 2, 0, 2, 0].
   */
  static int[] rawLegsBeforeBeamLeg(int pairs) {
    int[] slots = new int[pairs + 1];
    int beamSeen = 0;
    for (int r = 0; r < pairs; r++) {
      if (r % 2 == 0) {
        slots[beamSeen]++;
        beamSeen++;
      } else {
        beamSeen++;
        slots[beamSeen]++;
      }
    }
    return slots;
  }

  /** The one-pipeline run's shared state: the model DoFn calls it around every model call. */
  static final class Interleave {
    /** The run in progress (DirectRunner: the DoFn runs in this JVM), or null. */
    static volatile Interleave current;

    private final OrtEnvironment env;
    private final OrtSession session;
    private final Config c;
    private final int warmupSegments;
    private final int[] slots;
    private final PrintStream out;
    final List<Double> raw = new ArrayList<>();
    final List<Double> rawSums = new ArrayList<>();
    final List<Long> jitRaw = new ArrayList<>();
    final List<Double> beam = new ArrayList<>();
    final List<Long> jitBeam = new ArrayList<>();
    long rowsDone;
    long firstCall;
    private long mark;
    private long jitMark;
    private long rawNanosSinceMark;
    private long rawJitSinceMark;
    private int rawRanForSegment = -1;
    volatile Throwable failure;

    Interleave(
        OrtEnvironment env, OrtSession session, Config c, int warmupSegments, PrintStream out) {
      this.env = env;
      this.session = session;
      this.c = c;
      this.warmupSegments = warmupSegments;
      this.slots = rawLegsBeforeBeamLeg(c.pairs());
      this.out = out;
    }

    synchronized void beforeCall() {
      long now = System.nanoTime();
      if (firstCall == 0) {
        firstCall = now;
        mark = now;
        jitMark = jitMillis();
      }
      int segment = (int) (rowsDone / c.rows());
      int leg = segment - warmupSegments;
      if (rowsDone % c.rows() == 0 && leg >= 0 && leg < c.pairs() && rawRanForSegment != segment) {
        rawRanForSegment = segment;
        runRawLegs(slots[leg]);
      }
    }

    synchronized void afterCall(int n) {
      rowsDone += n;
      if (rowsDone % c.rows() != 0) {
        return;
      }
      long now = System.nanoTime();
      long jit = jitMillis();
      int leg = (int) (rowsDone / c.rows()) - 1 - warmupSegments;
      if (leg >= 0 && leg < c.pairs()) {
        beam.add((now - mark - rawNanosSinceMark) / 1e9);
        jitBeam.add(jit - jitMark - rawJitSinceMark);
        out.printf(
            "Beam leg %d: %.2f s (ends at JVM uptime %d ms)%n",
            leg + 1, beam.get(beam.size() - 1), uptimeMillis());
        if (leg == c.pairs() - 1) {
          runRawLegs(slots[c.pairs()]);
        }
      } else if (leg < 0) {
        out.printf(
            "warm-up stretch %d of %d: %d ms of JIT compilation%n",
            leg + 1 + warmupSegments, warmupSegments, jit - jitMark);
      }
      mark = System.nanoTime();
      jitMark = jitMillis();
      rawNanosSinceMark = 0;
      rawJitSinceMark = 0;
    }

    private void runRawLegs(int n) {
      for (int i = 0; i < n; i++) {
        long j0 = jitMillis();
        long t0 = System.nanoTime();
        double sum;
        try {
          sum = rawLoop(env, session, c.rows(), c.batch(), c.tokens() * c.dim(), c.tokens());
        } catch (Exception e) {
          failure = e;
          throw new IllegalStateException("raw leg failed", e);
        }
        long t = System.nanoTime() - t0;
        long j = jitMillis() - j0;
        raw.add(t / 1e9);
        rawSums.add(sum);
        jitRaw.add(j);
        rawNanosSinceMark += t;
        rawJitSinceMark += j;
        out.printf(
            "raw leg %d: %.2f s (ends at JVM uptime %d ms)%n", raw.size(), t / 1e9, uptimeMillis());
      }
    }
  }

  /** Each of the 61 distinct rows' output sum, from the raw session (batches of {@code batch}). */
  static double[] perRowSums(OrtEnvironment env, OrtSession s, int batch, int dim, int tokens)
      throws Exception {
    double[] sums = new double[DISTINCT_ROWS];
    rawLoop(env, s, DISTINCT_ROWS, batch, dim, tokens, sums);
    return sums;
  }

  static long uptimeMillis() {
    return java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime();
  }

  /** The checksum of rows 0..n-1 (row i is distinct row i mod 61). */
  static double expectedSum(double[] perRow, long n) {
    double sum = 0;
    for (int r = 0; r < perRow.length; r++) {
      long count = n / perRow.length + (r < n % perRow.length ? 1 : 0);
      sum += count * perRow[r];
    }
    return sum;
  }

  private static boolean close(double a, double b) {
    return Math.abs(a - b) <= 1e-4 * Math.max(1, Math.abs(b));
  }

  static double round1(double x) {
    return Math.round(x * 10) / 10.0;
  }

  static double round2(double x) {
    return Math.round(x * 100) / 100.0;
  }

  static double round3(double x) {
    return Math.round(x * 1000) / 1000.0;
  }

  static String stringArg(List<String> args, String name, String def) {
    for (String a : args) {
      if (a.startsWith("--" + name + "=")) {
        return a.substring(name.length() + 3);
      }
    }
    return def;
  }

  private static final int DISTINCT_ROWS = 61;
  private static final java.util.concurrent.ConcurrentHashMap<Integer, float[][]> ROWS =
      new java.util.concurrent.ConcurrentHashMap<>();

  /**
   * Row {@code index}: one of 61 seeded random rows (cycled), generated once per JVM, so that
   * neither path spends measurable time making inputs (and Beam cannot win by overlapping it).
   */
  static float[] row(long index, int dim) {
    float[][] pool =
        ROWS.computeIfAbsent(
            dim,
            d -> {
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

  /** The raw loop over an open session; one direct input buffer is reused across batches. */
  private static double rawLoop(
      OrtEnvironment env, OrtSession s, int rows, int batch, int dim, int tokens) throws Exception {
    return rawLoop(env, s, rows, batch, dim, tokens, null);
  }

  /** The raw loop; with {@code perRow} non-null, each row's output sum is stored there too. */
  private static double rawLoop(
      OrtEnvironment env, OrtSession s, int rows, int batch, int dim, int tokens, double[] perRow)
      throws Exception {
    double sum = 0;
    FloatBuffer x = directFloats(batch * dim);
    for (int start = 0; start < rows; start += batch) {
      int n = Math.min(batch, rows - start);
      x.clear();
      for (int i = 0; i < n; i++) {
        x.put(row(start + i, dim));
      }
      x.flip();
      try (OnnxTensor t = OnnxTensor.createTensor(env, x, new long[] {n, tokens, dim / tokens});
          OrtSession.Result res = s.run(Map.of("x", t))) {
        FloatBuffer y = ((OnnxTensor) res.get(0)).getFloatBuffer();
        for (int i = 0; i < n; i++) {
          double rowSum = 0;
          for (int k = 0; k < dim; k++) {
            rowSum += y.get();
          }
          if (perRow != null) {
            perRow[start + i] = rowSum;
          }
          sum += rowSum;
        }
      }
    }
    return sum;
  }

  private static long lastJitMillis;

  /**
   * Waits (at most 5 s) until the JIT has compiled nothing for 100 ms. Every Beam leg builds,
   * translates and clones a new pipeline (code a long-running job runs once), and the compilations
   * that triggers would otherwise run on the C2 threads inside the timed window, taking a core from
   * ONNX Runtime's two threads. Called from the model DoFn's {@code @Setup}, before the first call.
   */
  static void awaitQuietJit() {
    long deadline = System.nanoTime() + 5_000_000_000L;
    long last = jitMillis();
    int quiet = 0;
    while (quiet < 2 && System.nanoTime() < deadline) {
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      long now = jitMillis();
      quiet = now == last ? quiet + 1 : 0;
      last = now;
    }
  }

  /** Total JIT compilation time of this JVM so far, ms (-1 when the JVM does not report it). */
  static long jitMillis() {
    java.lang.management.CompilationMXBean jit =
        java.lang.management.ManagementFactory.getCompilationMXBean();
    return jit != null && jit.isCompilationTimeMonitoringSupported()
        ? jit.getTotalCompilationTime()
        : -1;
  }

  /**
   * {@code --djlLoop}: the pool's DJL predictor called in a plain loop on this thread (no Beam).
   */
  private static double djlLoop(
      ModelSpec spec, ModelPool.Settings pool, Path cache, int rows, int batch, int dim, int tokens)
      throws Exception {
    double sum = 0;
    try (ModelPool.Lease lease =
            ModelPool.shared(pool).lease(spec, new ModelResolver(cache, List.of()));
        Predictor<float[][], float[]> predictor = lease.newPredictor(new RowsTranslator(tokens))) {
      for (int start = 0; start < rows; start += batch) {
        int n = Math.min(batch, rows - start);
        float[][] xs = new float[n][];
        for (int i = 0; i < n; i++) {
          xs[i] = row(start + i, dim);
        }
        for (float v : lease.predict(predictor, xs)) {
          sum += v;
        }
      }
    }
    return sum;
  }

  /** A native-order direct float buffer: ONNX Runtime uses it in place, without a copy. */
  static FloatBuffer directFloats(int n) {
    return java.nio.ByteBuffer.allocateDirect(4 * n)
        .order(java.nio.ByteOrder.nativeOrder())
        .asFloatBuffer();
  }

  /** Seconds inside the predictor (translate + run, no permit waits) during the last Beam run. */
  private static double lastPredictSeconds;

  /** Seconds from the first model call's start to the last one's end during the last Beam run. */
  private static double lastSteadySeconds;

  /**
   * First call start and last call end (nanoTime) of the running Beam run (DirectRunner: same JVM).
   */
  static final AtomicLong FIRST_START = new AtomicLong(Long.MAX_VALUE);

  static final AtomicLong LAST_END = new AtomicLong(Long.MIN_VALUE);

  private static double beam(
      String runner,
      ModelSpec spec,
      ModelPool.Settings pool,
      Path cache,
      long rows,
      int batch,
      int dim,
      int shards,
      int tokens) {
    Pipeline p;
    if (runner.equals("flink")) {
      // the Flink runner's embedded mini-cluster in this JVM, one task slot: one worker thread
      p =
          Pipeline.create(
              PipelineOptionsFactory.fromArgs(
                      "--runner=FlinkRunner",
                      "--flinkMaster=[local]",
                      "--parallelism=1",
                      "--objectReuse=true")
                  .create());
    } else {
      DirectOptions opts = PipelineOptionsFactory.create().as(DirectOptions.class);
      opts.setRunner(DirectRunner.class);
      opts.setEnforceImmutability(false);
      opts.setEnforceEncodability(false);
      // one DirectRunner worker thread: extra Beam threads would only compete with ONNX Runtime's
      opts.setTargetParallelism(1);
      p = Pipeline.create(opts);
    }
    p.apply("Rows", GenerateSequence.from(0).to(rows))
        .apply("KeyByShard", MapElements.via(new KeyByShard(shards)))
        .setCoder(KvCoder.of(VarIntCoder.of(), VarLongCoder.of()))
        .apply("GroupIntoBatches", GroupIntoBatches.<Integer, Long>ofSize(batch))
        .apply("Model", ParDo.of(new ModelFn(spec, pool, cache.toString(), dim, tokens)));
    FIRST_START.set(Long.MAX_VALUE);
    LAST_END.set(Long.MIN_VALUE);
    PipelineResult r = p.run();
    r.waitUntilFinish();
    lastSteadySeconds = (LAST_END.get() - FIRST_START.get()) / 1e9;
    lastPredictSeconds = 0;
    for (MetricResult<Long> c :
        r.metrics()
            .queryMetrics(
                MetricsFilter.builder()
                    .addNameFilter(MetricNameFilter.named("bench", "predict_micros"))
                    .build())
            .getCounters()) {
      lastPredictSeconds += c.getAttempted() / 1e6;
    }
    double sum = 0;
    for (MetricResult<Long> c :
        r.metrics()
            .queryMetrics(
                MetricsFilter.builder()
                    .addNameFilter(MetricNameFilter.named("bench", "checksum_micros"))
                    .build())
            .getCounters()) {
      sum += c.getAttempted() / 1e6;
    }
    return sum;
  }

  /**
   * Row index to (shard, index). A named class, not a lambda: Beam clones the function for every
   * run, and a deserialized lambda is a new hidden class each time (it did not change the JIT time
   * per Beam leg measurably, see docs/benchmarks.md).
   */
  static final class KeyByShard extends SimpleFunction<Long, KV<Integer, Long>> {
    private final int shards;

    KeyByShard(int shards) {
      this.shards = shards;
    }

    @Override
    public KV<Integer, Long> apply(Long i) {
      return KV.of((int) (i % shards), i);
    }
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
      awaitQuietJit();
    }

    @ProcessElement
    public void process(@Element KV<Integer, Iterable<Long>> b) throws Exception {
      List<float[]> xs = new ArrayList<>();
      for (long i : b.getValue()) {
        xs.add(row(i, dim));
      }
      Interleave il = Interleave.current;
      if (il != null) {
        il.beforeCall();
      }
      float[] y = lease.predict(predictor, xs.toArray(new float[0][]));
      if (il != null) {
        il.afterCall(xs.size());
      }
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

  /**
   * Rows of tokens*dim floats in, the flat output back. The batch goes into one direct buffer that
   * is reused across calls (a translator belongs to one predictor, used by one thread; the tensor
   * over it is closed when the call ends), which ONNX Runtime reads without a copy; the raw loop
   * does the same with its own buffer.
   */
  static final class RowsTranslator implements NoBatchifyTranslator<float[][], float[]> {
    private final int tokens;
    private FloatBuffer buf = directFloats(0);

    RowsTranslator(int tokens) {
      this.tokens = tokens;
    }

    @Override
    public NDList processInput(TranslatorContext ctx, float[][] rows) {
      long now = System.nanoTime();
      ctx.setAttachment("t0", now);
      FIRST_START.accumulateAndGet(now, Math::min);
      int d = rows[0].length;
      if (buf.capacity() < rows.length * d) {
        buf = directFloats(rows.length * d);
      }
      buf.clear();
      for (float[] r : rows) {
        buf.put(r);
      }
      buf.flip();
      NDArray x = ctx.getNDManager().create(buf, new Shape(rows.length, tokens, d / tokens));
      x.setName("x");
      return new NDList(x);
    }

    @Override
    public float[] processOutput(TranslatorContext ctx, NDList list) {
      float[] y = list.get(0).toFloatArray();
      // time from input translation to output translation, excluding waits for the device permit
      long now = System.nanoTime();
      Metrics.counter("bench", "predict_micros").inc((now - (Long) ctx.getAttachment("t0")) / 1000);
      LAST_END.accumulateAndGet(now, Math::max);
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
    g.addNode(
        OnnxMl.NodeProto.newBuilder()
            .setOpType("Relu")
            .setName("r1")
            .addInput("h1")
            .addOutput("a1"));
    g.addNode(node("MatMul", "mm2", "a1", "w2", "h2"));
    g.addNode(
        OnnxMl.NodeProto.newBuilder()
            .setOpType("Relu")
            .setName("r2")
            .addInput("h2")
            .addOutput("a2"));
    g.addNode(node("MatMul", "mm3", "a2", "w3", "y"));
    byte[] bytes =
        OnnxMl.ModelProto.newBuilder()
            .setIrVersion(8)
            .setProducerName("spatialvqa-bench")
            .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(17))
            .setGraph(g)
            .build()
            .toByteArray();
    Files.write(file, bytes);
    return file;
  }

  private static OnnxMl.NodeProto.Builder node(
      String op, String name, String a, String b, String out) {
    return OnnxMl.NodeProto.newBuilder()
        .setOpType(op)
        .setName(name)
        .addInput(a)
        .addInput(b)
        .addOutput(out);
  }

  private static OnnxMl.TensorProto weights(String name, int rows, int cols, long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    float scale = (float) Math.sqrt(2.0 / rows);
    OnnxMl.TensorProto.Builder t =
        OnnxMl.TensorProto.newBuilder()
            .setName(name)
            .setDataType(OnnxMl.TensorProto.DataType.FLOAT.getNumber())
            .addDims(rows)
            .addDims(cols);
    for (int i = 0; i < rows * cols; i++) {
      t.addFloatData((float) (rnd.nextDouble() * 2 - 1) * scale);
    }
    return t.build();
  }

  private static OnnxMl.ValueInfoProto value(String name, int tokens, int dim) {
    return OnnxMl.ValueInfoProto.newBuilder()
        .setName(name)
        .setType(
            OnnxMl.TypeProto.newBuilder()
                .setTensorType(
                    OnnxMl.TypeProto.Tensor.newBuilder()
                        .setElemType(OnnxMl.TensorProto.DataType.FLOAT.getNumber())
                        .setShape(
                            OnnxMl.TensorShapeProto.newBuilder()
                                .addDim(
                                    OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimParam("n"))
                                .addDim(
                                    OnnxMl.TensorShapeProto.Dimension.newBuilder()
                                        .setDimValue(tokens))
                                .addDim(
                                    OnnxMl.TensorShapeProto.Dimension.newBuilder()
                                        .setDimValue(dim)))))
        .build();
  }

  static int intArg(List<String> args, String name, int def) {
    for (String a : args) {
      if (a.startsWith("--" + name + "=")) {
        String v = a.substring(name.length() + 3);
        try {
          return Integer.parseInt(v);
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("--" + name + " must be an integer, got '" + v + "'");
        }
      }
    }
    return def;
  }

  /** {@code --NAME} or {@code --NAME=true|false}. */
  static boolean boolArg(List<String> args, String name, boolean def) {
    for (String a : args) {
      if (a.equals("--" + name)) {
        return true;
      }
      if (a.startsWith("--" + name + "=")) {
        String v = a.substring(name.length() + 3).toLowerCase(java.util.Locale.ROOT);
        if (v.equals("true") || v.equals("false")) {
          return Boolean.parseBoolean(v);
        }
        throw new IllegalArgumentException("--" + name + " must be true or false, got '" + v + "'");
      }
    }
    return def;
  }

  /** The median of pair ratios (mean of the middle two for an even count). */
  static double median(List<Double> xs) {
    if (xs.isEmpty()) {
      throw new IllegalArgumentException("no values");
    }
    List<Double> s = new ArrayList<>(xs);
    java.util.Collections.sort(s);
    int n = s.size();
    return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
  }
}
