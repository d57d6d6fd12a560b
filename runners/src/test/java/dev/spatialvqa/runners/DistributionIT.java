package dev.spatialvqa.runners;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged distribution ({@code target/dist}, what {@code bin/spatialvqa} runs) in a JVM of its
 * own, with the launcher's settings: the demo succeeds and prints no warning at all on stderr
 * (issue: every run prints no spurious warnings: DJL's CUDA probes, Beam's temporary-file notes).
 */
class DistributionIT {
  private static final Path HOME = Path.of("..").toAbsolutePath().normalize();

  private static String[] run(Path dir, String... args) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx2g");
    cmd.add("-DOPT_OUT_TRACKING=true");
    cmd.add("-Dai.djl.offline=true");
    cmd.add("-Dspatialvqa.home=" + HOME);
    cmd.add("-Djdk.httpclient.allowRestrictedHeaders=host");
    cmd.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");
    cmd.add("-cp");
    cmd.add(HOME.resolve("runners/target/dist/spatialvqa.jar").toString());
    cmd.add("dev.spatialvqa.pipelines.cli.Main");
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().put("OPT_OUT_TRACKING", "true");
    pb.environment().put("DJL_OFFLINE", "true");
    Path out = dir.resolve("stdout.txt");
    Path err = dir.resolve("stderr.txt");
    pb.redirectOutput(out.toFile()).redirectError(err.toFile());
    Process p = pb.start();
    assertTrue(p.waitFor(5, TimeUnit.MINUTES), "timed out");
    return new String[] {
      String.valueOf(p.exitValue()),
      Files.readString(out, StandardCharsets.UTF_8),
      Files.readString(err, StandardCharsets.UTF_8)
    };
  }

  @Test
  void theDemoRunsCleanlyWithoutWarnings(@TempDir Path dir) throws Exception {
    String[] r = run(dir, "demo", "--output=" + dir.resolve("demo"));
    assertEquals("0", r[0], r[1] + r[2]);
    // stderr holds progress lines only: no warning, no error, no stack trace
    for (String line : r[2].split("\n")) {
      assertTrue(line.isBlank() || line.startsWith("progress: "), "stderr of the demo: " + r[2]);
    }
    assertTrue(r[2].contains("progress: done: 2 of 2 scenes"), r[2]);
    String summary = Files.readString(dir.resolve("demo/summary.json"));
    assertTrue(summary.contains("\"balanced\" : true"), summary);
  }
}
