package dev.spatialvqa.pipelines.cli;

import dev.spatialvqa.pipelines.graph.JobRunner;
import dev.spatialvqa.pipelines.options.SpatialVqaOptions;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** {@code demo [--output=DIR]}: the main job on the bundled SUN RGB-D scenes, DirectRunner. */
final class DemoCommand implements Command {
  @Override
  public String name() {
    return "demo";
  }

  @Override
  public String summary() {
    return "run the main job on the bundled real RGB-D scenes (DirectRunner, default out/demo)";
  }

  @Override
  public String help() {
    return """
        usage: spatialvqa demo [--output=DIR] [Beam options]

        Runs the main job on the bundled SUN RGB-D scenes (data/sunrgbd-dev/manifest.jsonl) on the
        DirectRunner and writes DIR (default out/demo): scenes/, qa/, deadletters/, summary.json.
        An earlier demo's results in DIR are replaced; a folder the engine did not write
        (no .spatialvqa-output marker) is refused, never cleared. Besides the single-step QA,
        qa/ holds multi-step reasoning records (steps, reasoning_trace; --qaMultiStepPerScene).
        Then try:
          spatialvqa inspect out/demo/qa --limit=5
        """;
  }

  @Override
  public int run(List<String> args, PrintStream out, PrintStream err) throws Exception {
    Path home = Path.of(System.getProperty("spatialvqa.home", "."));
    Path manifest = home.resolve("data/sunrgbd-dev/manifest.jsonl").toAbsolutePath().normalize();
    if (!Files.exists(manifest)) {
      err.println(
          "spatialvqa demo: bundled scenes not found at "
              + manifest
              + " (set -Dspatialvqa.home to the project folder)");
      return 1;
    }
    String output = Args.value(args, "output");
    if (output == null) {
      output = "out/demo";
    }
    List<String> beamArgs = new ArrayList<>(Args.without(args, "output", "input", "overwrite"));
    beamArgs.add("--input=manifest:" + manifest);
    beamArgs.add("--output=" + Path.of(output).toAbsolutePath().normalize());
    SpatialVqaOptions o = JobRunner.options(JobRunner.withLocalRunnerDefaults(beamArgs));
    out.println("demo: " + manifest + " -> " + o.getOutput());
    int rc = RunCommand.runAndReport(o, true, out, err);
    if (rc == 0) {
      multiStepLine(Path.of(o.getOutput()), out);
    }
    return rc;
  }

  /** One line on the multi-step records the run generated (from its summary.json). */
  static void multiStepLine(Path output, PrintStream out) {
    Path summary = output.resolve("summary.json");
    if (!Files.isRegularFile(summary)) {
      return;
    }
    try {
      com.fasterxml.jackson.databind.JsonNode byType =
          new com.fasterxml.jackson.databind.ObjectMapper()
              .readTree(summary.toFile())
              .path("qa_generated_by_type");
      java.util.Set<String> families = new java.util.TreeSet<>();
      long records = 0;
      for (String f : dev.spatialvqa.core.generate.MultiStepGenerator.families()) {
        if (byType.has(f)) {
          families.add(f);
          records += byType.get(f).asLong();
        }
      }
      out.println(
          "multi-step reasoning QA: "
              + records
              + " records in "
              + families.size()
              + " families "
              + families
              + ", each with its steps and reasoning_trace (spatialvqa inspect "
              + output.resolve("qa")
              + "; export --format=verifiable for RL; for traces in the assistant turn, run with"
              + " --exportReasoning=think so that the mix gate counts them, then export"
              + " --format=messages)");
    } catch (java.io.IOException e) {
      out.println("multi-step reasoning QA: could not read " + summary + ": " + e.getMessage());
    }
  }
}
