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
    DjlOffline.enforce();
    InputSpec in = InputSpec.parse(o.getInput());
    // everything that can be checked is checked before any earlier result is touched
    Pipeline p = Pipeline.create(o);
    SpatialVqaPipeline.build(p, o);
    requireInputFiles(in);
    prepareOutput(o.getOutput(), overwrite);
    boolean bounded = SpatialVqaPipeline.isBounded(o);
    PipelineResult result = p.run();
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
