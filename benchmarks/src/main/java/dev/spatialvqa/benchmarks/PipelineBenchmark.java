package dev.spatialvqa.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spatialvqa.core.lift.LiftConfig;
import dev.spatialvqa.core.lift.SceneLifter;
import dev.spatialvqa.core.lift.SceneRecords;
import dev.spatialvqa.core.load.LocalBlobReader;
import dev.spatialvqa.core.load.ManifestParser;
import dev.spatialvqa.core.load.SceneLoader;
import dev.spatialvqa.schemas.PerceivedScene;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code bench pipeline [--scenes=N] [--small=M] [--runner=FlinkRunner|DirectRunner|both]}: the
 * whole job ({@code run}, as a user runs it, in a child JVM of its own) on N and on M distinct
 * synthetic scenes ({@link SyntheticScenes}: known geometry, every scene different, so no dedupe
 * removes any). From the two runs: wall and CPU seconds, peak resident memory, the fixed start-up
 * (the M-scene run less M marginal scenes) and the marginal CPU per scene, and its ratio to the
 * geometry lift's own CPU per scene on the same scenes (measured here on one thread, as {@code
 * bench geometry} does).
 */
public final class PipelineBenchmark implements Benchmark {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Override
  public String name() {
    return "pipeline";
  }

  @Override
  public String description() {
    return "the whole run on N distinct synthetic scenes per runner: wall, CPU, peak RSS, start-up, marginal CPU per scene vs the lift's";
  }

  @Override
  public Map<String, Object> run(List<String> args, PrintStream out) throws Exception {
    int n = Integer.parseInt(GeometryBenchmark.value(args, "scenes", "50"));
    int small = Integer.parseInt(GeometryBenchmark.value(args, "small", "4"));
    String runnerArg = GeometryBenchmark.value(args, "runner", "both");
    if (n <= small || small < 1) {
      throw new IllegalArgumentException("need --scenes > --small >= 1, got " + n + ", " + small);
    }
    List<String> runners =
        runnerArg.equals("both") ? List.of("FlinkRunner", "DirectRunner") : List.of(runnerArg);
    Path dir = Files.createTempDirectory("spatialvqa-bench-pipeline");
    out.printf("rendering %d synthetic scenes under %s%n", n, dir);
    Path manifest = SyntheticScenes.write(dir.resolve("scenes"), n, 42);
    List<String> lines = Files.readAllLines(manifest);
    Path smallManifest = dir.resolve("scenes/manifest-small.jsonl");
    Files.write(smallManifest, lines.subList(0, small));

    double liftMs = liftCpuMs(manifest, lines.subList(0, Math.min(n, 12)));
    out.printf(Locale.ROOT, "lift alone: %.1f ms CPU per scene (one thread)%n", liftMs);

    Map<String, Object> m = new LinkedHashMap<>();
    m.put("scenes", n);
    m.put("small", small);
    m.put("lift_ms_per_scene", round(liftMs));
    for (String runner : runners) {
      Run a = runJob(dir, smallManifest, small, runner, "small-" + runner, out);
      Run b = runJob(dir, manifest, n, runner, "n-" + runner, out);
      double marginalCpu = (b.cpuS - a.cpuS) / (n - small);
      double marginalWall = (b.wallS - a.wallS) / (n - small);
      double fixedWall = a.wallS - marginalWall * small;
      double fixedCpu = a.cpuS - marginalCpu * small;
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("wall_s", round(b.wallS));
      r.put("cpu_s", round(b.cpuS));
      r.put("peak_rss_mb", b.peakRssKb / 1024);
      r.put("peak_rss_mb_small", a.peakRssKb / 1024);
      r.put("wall_s_small", round(a.wallS));
      r.put("startup_wall_s", round(fixedWall));
      r.put("startup_cpu_s", round(fixedCpu));
      r.put("marginal_cpu_ms_per_scene", round(marginalCpu * 1000));
      r.put("marginal_wall_ms_per_scene", round(marginalWall * 1000));
      r.put("marginal_cpu_over_lift", round(marginalCpu * 1000 / liftMs));
      r.put("qa", b.qa);
      out.printf(
          Locale.ROOT,
          "%s: %d scenes %.1f s wall, %.1f s CPU, peak RSS %d MB (%d scenes: %.1f s, %d MB);"
              + " start-up %.1f s wall; marginal %.0f ms CPU/scene = %.1fx the lift%n",
          runner,
          n,
          b.wallS,
          b.cpuS,
          b.peakRssKb / 1024,
          small,
          a.wallS,
          a.peakRssKb / 1024,
          fixedWall,
          marginalCpu * 1000,
          marginalCpu * 1000 / liftMs);
      m.put(runner, r);
    }
    return m;
  }

  /** One thread's CPU per scene of load + lift on the given manifest lines (after a warm-up). */
  private static double liftCpuMs(Path manifest, List<String> lines) throws Exception {
    SceneLoader loader = new SceneLoader(new LocalBlobReader());
    SceneLifter lifter = new SceneLifter(LiftConfig.defaults());
    List<PerceivedScene> scenes = new ArrayList<>();
    for (String l : lines) {
      scenes.add(
          ((SceneLoader.Scene) loader.load(ManifestParser.parse(l), manifest.toString(), null))
              .scene());
    }
    for (PerceivedScene s : scenes) {
      SceneRecords.lift(lifter, s); // warm-up
    }
    ThreadMXBean t = ManagementFactory.getThreadMXBean();
    long c0 = t.getCurrentThreadCpuTime();
    int rounds = 3;
    for (int r = 0; r < rounds; r++) {
      for (PerceivedScene s : scenes) {
        SceneRecords.lift(lifter, s);
      }
    }
    return (t.getCurrentThreadCpuTime() - c0) / 1e6 / (rounds * scenes.size());
  }

  record Run(double wallS, double cpuS, long peakRssKb, long qa) {}

  private static Run runJob(
      Path dir, Path manifest, int scenes, String runner, String name, PrintStream out)
      throws Exception {
    Path output = dir.resolve("out-" + name);
    Path report = dir.resolve("resources-" + name + ".json");
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx" + System.getProperty("spatialvqa.bench.xmx", "8g"));
    cmd.addAll(
        Arrays.asList(
            "-DOPT_OUT_TRACKING=true",
            "-Dai.djl.offline=true",
            "-Djdk.httpclient.allowRestrictedHeaders=host",
            "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
            "-Dspatialvqa.resourceReport=" + report));
    if (System.getProperty("spatialvqa.home") != null) {
      cmd.add("-Dspatialvqa.home=" + System.getProperty("spatialvqa.home"));
    }
    cmd.addAll(
        List.of(
            "-cp",
            System.getProperty("java.class.path"),
            "dev.spatialvqa.pipelines.cli.Main",
            "run",
            "--input=manifest:" + manifest,
            "--output=" + output,
            "--runner=" + runner));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().put("OPT_OUT_TRACKING", "true");
    pb.environment().put("DJL_OFFLINE", "true");
    Path log = dir.resolve("log-" + name + ".txt");
    pb.redirectErrorStream(true).redirectOutput(log.toFile());
    long t0 = System.nanoTime();
    Process p = pb.start();
    if (!p.waitFor(4, TimeUnit.HOURS)) {
      p.destroyForcibly();
      throw new IllegalStateException(name + " did not finish in 4 hours");
    }
    double wall = (System.nanoTime() - t0) / 1e9;
    if (p.exitValue() != 0) {
      throw new IllegalStateException(
          name + " failed (exit " + p.exitValue() + "), see " + log + ":\n" + tail(log));
    }
    JsonNode summary = JSON.readTree(output.resolve("summary.json").toFile());
    long written = summary.get("outputs").get("scenes").asLong();
    if (written != scenes || !summary.get("balanced").asBoolean()) {
      throw new IllegalStateException(
          name + ": expected " + scenes + " scenes, balanced; got " + summary.get("balance"));
    }
    JsonNode res = JSON.readTree(report.toFile());
    long qa = summary.get("outputs").path("qa").asLong();
    out.printf(
        Locale.ROOT,
        "  %s: %d scenes, %d QA, %.1f s wall, %.1f s CPU, peak RSS %d MB%n",
        name,
        scenes,
        qa,
        wall,
        res.get("cpu_s").asDouble(),
        res.get("peak_rss_kb").asLong() / 1024);
    return new Run(wall, res.get("cpu_s").asDouble(), res.get("peak_rss_kb").asLong(), qa);
  }

  private static String tail(Path log) throws Exception {
    List<String> l = Files.readAllLines(log);
    return String.join("\n", l.subList(Math.max(0, l.size() - 20), l.size()));
  }

  private static double round(double v) {
    return Math.round(v * 100) / 100.0;
  }
}
