package dev.spatialvqa.pipelines.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spatialvqa.pipelines.options.SpatialVqaOptions;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line's runner defaults, and progress of a bounded local run. */
class RunnerDefaultsTest {
  @Test
  void withoutARunnerTheCommandLineUsesTheEmbeddedFlinkMiniCluster() {
    List<String> a = JobRunner.withLocalRunnerDefaults(List.of("--input=manifest:m.jsonl"));
    assertTrue(a.contains("--runner=FlinkRunner"), a.toString());
    assertTrue(a.contains("--flinkMaster=[local]"), a.toString());
    assertTrue(a.contains("--fasterCopy=true"), a.toString());
    SpatialVqaOptions o =
        JobRunner.options(
            JobRunner.withLocalRunnerDefaults(
                List.of("--input=manifest:m.jsonl", "--output=/tmp/x")));
    assertEquals("FlinkRunner", o.getRunner().getSimpleName());
    assertTrue(JobRunner.isLocal(o));
  }

  @Test
  void aChosenRunnerIsKeptAndTheDirectRunnerSkipsItsPerBundleChecks() {
    List<String> d = JobRunner.withLocalRunnerDefaults(List.of("--runner=DirectRunner"));
    assertEquals(
        List.of(
            "--runner=DirectRunner", "--enforceImmutability=false", "--enforceEncodability=false"),
        d);
    List<String> asked =
        JobRunner.withLocalRunnerDefaults(
            List.of("--runner=DirectRunner", "--enforceImmutability=true"));
    assertEquals(
        List.of(
            "--runner=DirectRunner", "--enforceImmutability=true", "--enforceEncodability=false"),
        asked);
    List<String> remote =
        JobRunner.withLocalRunnerDefaults(
            List.of("--runner=FlinkRunner", "--flinkMaster=10.0.0.5:8081"));
    assertTrue(!remote.contains("--flinkMaster=[local]"), remote.toString());
    SpatialVqaOptions o =
        JobRunner.options(
            List.of(
                "--input=manifest:m.jsonl",
                "--output=/tmp/x",
                "--runner=FlinkRunner",
                "--flinkMaster=10.0.0.5:8081"));
    assertTrue(!JobRunner.isLocal(o), "a remote Flink master is not local");
  }

  @Test
  void aBoundedLocalRunReportsItsProgressUntilEveryInputIsAccountedFor(@TempDir Path dir)
      throws Exception {
    ByteArrayOutputStream progress = new ByteArrayOutputStream();
    SpatialVqaOptions o =
        JobRunner.options(
            JobRunner.withLocalRunnerDefaults(
                List.of(
                    "--input=manifest:" + Fixtures.manifestWithBadLines(dir),
                    "--output=" + dir.resolve("out"),
                    "--embedder=none",
                    "--dedupe=false",
                    "--runner=DirectRunner")));
    var ledger =
        JobRunner.run(
            o,
            false,
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
            new PrintStream(progress, true, StandardCharsets.UTF_8));
    String p = progress.toString(StandardCharsets.UTF_8);
    long inputs = ledger.inputs();
    assertTrue(
        p.contains("progress: done: " + inputs + " of " + inputs + " scenes accounted for"), p);
  }

  @Test
  void progressLinesSayDoneOfReadRateAndEta() {
    assertEquals(
        "progress: 5/20 scenes done (25% of those read so far), 0.50 scenes/s, 0:10 elapsed,"
            + " ETA 0:30",
        ProgressReporter.line(5, 20, 10));
    assertEquals(
        "progress: 0/0 scenes done (reading input), 0.00 scenes/s, 0:02 elapsed",
        ProgressReporter.line(0, 0, 2));
    assertEquals("[###.......]", ProgressReporter.bar(3, 10, 10));
    assertEquals("1:01:05", ProgressReporter.clock(3665));
  }
}
