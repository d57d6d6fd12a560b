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
        (no .spatialvqa-output marker) is refused, never cleared. Then try:
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
    return RunCommand.runAndReport(o, true, out, err);
  }
}
