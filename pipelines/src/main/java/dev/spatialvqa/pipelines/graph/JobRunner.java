package dev.spatialvqa.pipelines.graph;

import dev.spatialvqa.core.runtime.DjlOffline;
import dev.spatialvqa.pipelines.options.SpatialVqaOptions;
import dev.spatialvqa.transforms.errors.RunLedger;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.options.PipelineOptionsFactory;

/** Runs the main job from command-line arguments and writes the ledger of a bounded run. */
public final class JobRunner {
  /** Output sub-folders a run owns (cleared by --overwrite). */
  static final List<String> OWNED =
      List.of(
          "scenes",
          "qa",
          "deadletters",
          "images",
          "duplicates",
          "accounting",
          "reserve",
          "summary.json",
          "mixture.json",
          "evaluation.json");

  private JobRunner() {}

  /**
   * The command line's runner defaults ({@code run}, {@code demo}, {@code evaluate}): without
   * {@code --runner}, the embedded Flink mini-cluster ({@code --runner=FlinkRunner
   * --flinkMaster=[local] --fasterCopy=true}), whose cost per scene is the work itself; with {@code
   * --runner=DirectRunner}, its per-bundle immutability and encodability checks are off unless
   * asked for (they re-traverse the pipeline for every bundle: a test aid, not a way to run data).
   * See README, "Runners".
   */
  public static List<String> withLocalRunnerDefaults(List<String> args) {
    List<String> out = new java.util.ArrayList<>(args);
    String runner = null;
    for (String a : args) {
      if (a.startsWith("--runner=")) {
        runner = a.substring("--runner=".length());
      }
    }
    if (runner == null) {
      out.add("--runner=FlinkRunner");
      runner = "FlinkRunner";
    }
    if (runner.equals("FlinkRunner")) {
      if (args.stream().noneMatch(a -> a.startsWith("--flinkMaster="))) {
        out.add("--flinkMaster=[local]");
      }
      // no defensive copy between operators: no DoFn of the job mutates its input (the test
      // suite runs on the DirectRunner with immutability enforcement, which would catch one)
      if (args.stream().noneMatch(a -> a.startsWith("--fasterCopy"))) {
        out.add("--fasterCopy=true");
      }
    }
    if (runner.equals("DirectRunner")) {
      if (args.stream().noneMatch(a -> a.startsWith("--enforceImmutability"))) {
        out.add("--enforceImmutability=false");
      }
      if (args.stream().noneMatch(a -> a.startsWith("--enforceEncodability"))) {
        out.add("--enforceEncodability=false");
      }
    }
    return out;
  }

  /** Parses Beam-style arguments into the job's options (validated). */
  public static SpatialVqaOptions options(List<String> args) {
    PipelineOptionsFactory.register(SpatialVqaOptions.class);
    return PipelineOptionsFactory.fromArgs(args.toArray(String[]::new))
        .withValidation()
        .as(SpatialVqaOptions.class);
  }

  /**
   * Builds and runs the job; for a bounded run waits for it, writes {@code summary.json} and
   * returns the ledger. Returns null for an unbounded run (it runs until cancelled; the ledger is
   * in the runner's metrics).
   */
  public static RunLedger run(SpatialVqaOptions o, boolean overwrite, PrintStream out)
      throws IOException {
    return run(o, overwrite, out, null);
  }

  /**
   * As {@link #run(SpatialVqaOptions, boolean, PrintStream)}, printing progress of a bounded local
   * run to {@code progress} (null: none).
   */
  public static RunLedger run(
      SpatialVqaOptions o, boolean overwrite, PrintStream out, PrintStream progress)
      throws IOException {
    DjlOffline.enforce();
    InputSpec in = InputSpec.parse(o.getInput());
    // everything that can be checked is checked before any earlier result is touched
    Pipeline p = Pipeline.create(o);
    SpatialVqaPipeline.build(p, o);
    requireInputFiles(in);
    prepareOutput(o.getOutput(), overwrite);
    boolean bounded = SpatialVqaPipeline.isBounded(o);
    PipelineResult result;
    if (bounded && progress != null && isLocal(o)) {
      try (ProgressReporter r =
          ProgressReporter.start(progress, java.time.Duration.ofSeconds(10))) {
        result = p.run();
        result.waitUntilFinish();
      }
    } else {
      if (bounded && progress != null) {
        progress.println(
            "progress: the runner reports it (Beam metrics in namespace 'spatialvqa': inputs,"
                + " out.*, filtered.*, dead.*)");
      }
      result = p.run();
    }
    if (!bounded) {
      out.println(
          "streaming run started; ledger counts are Beam metrics in namespace 'spatialvqa'");
      result.waitUntilFinish();
      return null;
    }
    PipelineResult.State state = result.waitUntilFinish();
    if (state != PipelineResult.State.DONE) {
      throw new IllegalStateException("run ended in state " + state);
    }
    RunLedger ledger = RunLedger.of(result, SpatialVqaPipeline.lastStage(o));
    ledger.write(o.getOutput());
    if (!ImageIngest.untilFetch(o)) {
      MixStage.writeMixture(o); // an ingest-only run has no QA and hence no mixture to account
    }
    return ledger;
  }

  /** Whether the job runs in this JVM (the DirectRunner or the embedded Flink mini-cluster). */
  static boolean isLocal(SpatialVqaOptions o) {
    String runner = o.getRunner().getSimpleName();
    if (runner.equals("DirectRunner")) {
      return true;
    }
    if (runner.equals("FlinkRunner")) {
      // the Flink runner is on the distribution's class path, not this module's: read the
      // option through its interface by name
      try {
        @SuppressWarnings("unchecked")
        Class<? extends org.apache.beam.sdk.options.PipelineOptions> flink =
            (Class<? extends org.apache.beam.sdk.options.PipelineOptions>)
                Class.forName("org.apache.beam.runners.flink.FlinkPipelineOptions");
        Object master = flink.getMethod("getFlinkMaster").invoke(o.as(flink));
        return master == null || master.equals("[local]") || master.equals("[auto]");
      } catch (ReflectiveOperationException e) {
        return false;
      }
    }
    return false;
  }

  /** Marks a folder as this engine's output: only such folders are ever cleared. */
  public static final String MARKER = ".spatialvqa-output";

  /** File inputs ({@code manifest:}, {@code urls:}) must match a file before a run starts. */
  static void requireInputFiles(InputSpec in) throws IOException {
    if (!in.kind().equals("manifest") && !in.kind().equals("urls")) {
      return;
    }
    try {
      if (FileSystems.match(in.value(), EmptyMatchTreatment.DISALLOW).metadata().isEmpty()) {
        throw new FileNotFoundException(in.value());
      }
    } catch (FileNotFoundException e) {
      throw new IllegalArgumentException(
          "--input=" + in.kind() + ":" + in.value() + " matches no file (nothing was changed)");
    }
  }

  /**
   * Refuses to mix a new run's shards with an old run's, unless asked to clear them; clears only
   * folders this engine wrote (the {@link #MARKER} file, or an earlier run's summary.json), never a
   * user's folders that happen to have the same names. Marks the folder for the new run.
   */
  static void prepareOutput(String output, boolean overwrite) throws IOException {
    if (output.contains("://") && !output.startsWith("file://")) {
      return; // remote filesystems: shard names carry the shard count; the user owns the prefix
    }
    Path dir = Path.of(output.replaceFirst("^file://", ""));
    if (!Files.exists(dir)) {
      Files.createDirectories(dir);
      Files.writeString(dir.resolve(MARKER), "spatialvqa output folder\n");
      return;
    }
    boolean ours = Files.exists(dir.resolve(MARKER)) || Files.exists(dir.resolve("summary.json"));
    for (String owned : OWNED) {
      if (!ours && Files.exists(dir.resolve(owned))) {
        throw new IllegalArgumentException(
            "output "
                + dir
                + " holds "
                + owned
                + " that this engine did not write (no "
                + MARKER
                + " marker): nothing was deleted; choose another --output");
      }
    }
    for (String owned : OWNED) {
      Path p = dir.resolve(owned);
      if (!Files.exists(p)) {
        continue;
      }
      if (!overwrite) {
        throw new IllegalArgumentException(
            "output "
                + dir
                + " already holds a run's results ("
                + owned
                + "); pass --overwrite to"
                + " replace them or choose another --output");
      }
      try (Stream<Path> s = Files.walk(p)) {
        for (Path f : s.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(f);
        }
      }
    }
    Files.writeString(dir.resolve(MARKER), "spatialvqa output folder\n");
  }
}
