package dev.spatialvqa.benchmarks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spatialvqa.core.models.ModelPool;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The model benchmark's arguments, schedule and checks (nothing timed: no speed is asserted). */
class ModelBenchmarkTest {
  @Test
  void defaults() {
    ModelBenchmark.Config c = ModelBenchmark.Config.parse(List.of());
    assertEquals(
        new ModelBenchmark.Config(
            2048, 16, 64, 512, 2048, 5, 0, false, 4, 2048, "flink", "one-pipeline", 2),
        c);
    ModelPool.Settings p = c.pool();
    assertEquals(1, p.maxConcurrentPerDevice());
    assertFalse(p.spinWait());
    assertEquals(0, p.intraOpThreads());
    assertEquals(4, p.intraOpThreadsFor(4)); // all cores for the one call at a time
  }

  @Test
  void flags() {
    ModelBenchmark.Config c =
        ModelBenchmark.Config.parse(
            List.of(
                "--rows=64",
                "--batch=8",
                "--pairs=3",
                "--intraOpThreads=2",
                "--ortSpinWait",
                "--shards=2"));
    assertEquals(64, c.rows());
    assertEquals(8, c.batch());
    assertEquals(3, c.pairs());
    assertEquals(2, c.intraOpThreads());
    assertTrue(c.spinWait());
    assertTrue(c.pool().spinWait());
    assertEquals(2, c.pool().intraOpThreads());
    assertEquals(2, c.shards());
    assertEquals(64, c.warmupRows()); // defaults to --rows
    assertEquals(16, ModelBenchmark.Config.parse(List.of("--warmupRows=16")).warmupRows());
    assertTrue(ModelBenchmark.Config.parse(List.of("--ortSpinWait=true")).spinWait());
    assertFalse(ModelBenchmark.Config.parse(List.of("--ortSpinWait=false")).spinWait());
    assertEquals(7, ModelBenchmark.Config.parse(List.of("--reps=7")).pairs()); // the old name
  }

  @Test
  void badValuesNameTheFlag() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> ModelBenchmark.Config.parse(List.of("--ortSpinWait=yes")));
    assertTrue(e.getMessage().contains("--ortSpinWait"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> ModelBenchmark.Config.parse(List.of("--rows=lots")));
    assertTrue(e.getMessage().contains("--rows"), e.getMessage());
    assertThrows(
        IllegalArgumentException.class, () -> ModelBenchmark.Config.parse(List.of("--pairs=0")));
    assertThrows(
        IllegalArgumentException.class,
        () -> ModelBenchmark.Config.parse(List.of("--warmupRows=0")));
    assertThrows(
        IllegalArgumentException.class,
        () -> ModelBenchmark.Config.parse(List.of("--intraOpThreads=-1")));
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> ModelBenchmark.Config.parse(List.of("--runner=spark")));
    assertTrue(e.getMessage().contains("--runner"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> ModelBenchmark.Config.parse(List.of("--legs=many")));
    assertTrue(e.getMessage().contains("--legs"), e.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> ModelBenchmark.Config.parse(List.of("--warmupSegments=-1")));
    // one pipeline: the legs must be whole batches of every shard
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> ModelBenchmark.Config.parse(List.of("--rows=100")));
    assertTrue(e.getMessage().contains("multiple of --batch x --shards (64)"), e.getMessage());
    assertEquals(
        100, ModelBenchmark.Config.parse(List.of("--rows=100", "--legs=pipelines")).rows());
  }

  @Test
  void abbaScheduleOfRawLegs() {
    // R B | B R | R B | B R | R B: raw legs before Beam legs 1..5 and after the last one
    assertArrayEquals(new int[] {1, 0, 2, 0, 2, 0}, ModelBenchmark.rawLegsBeforeBeamLeg(5));
    assertArrayEquals(new int[] {1, 0, 1}, ModelBenchmark.rawLegsBeforeBeamLeg(2));
    assertArrayEquals(new int[] {1, 0}, ModelBenchmark.rawLegsBeforeBeamLeg(1));
  }

  @Test
  void expectedChecksumCyclesTheDistinctRows() {
    double[] perRow = new double[61];
    for (int i = 0; i < 61; i++) {
      perRow[i] = i + 1;
    }
    assertEquals(1 + 2 + 3, ModelBenchmark.expectedSum(perRow, 3), 1e-9);
    assertEquals(61 * 62 / 2 + 1 + 2, ModelBenchmark.expectedSum(perRow, 63), 1e-9);
    assertEquals(2 * (61 * 62 / 2), ModelBenchmark.expectedSum(perRow, 122), 1e-9);
  }

  /**
   * A tiny graph through the whole one-pipeline run on both runners (what is checked, not how
   * fast).
   */
  @Test
  void onePipelineRunCountsEveryLegAndChecksOutputs() throws Exception {
    for (String runner : List.of("direct", "flink")) {
      java.io.ByteArrayOutputStream log = new java.io.ByteArrayOutputStream();
      Map<String, Object> r =
          new ModelBenchmark()
              .run(
                  List.of(
                      "--rows=32",
                      "--batch=4",
                      "--shards=2",
                      "--tokens=2",
                      "--dim=8",
                      "--hidden=16",
                      "--pairs=3",
                      "--warmupSegments=1",
                      "--warmupRows=8",
                      "--runner=" + runner),
                  new java.io.PrintStream(log, true));
      assertEquals(runner, r.get("runner"));
      assertEquals("one-pipeline", r.get("legs"));
      assertEquals(true, r.get("outputs_match"));
      assertEquals(3, ((List<?>) r.get("pair_ratios")).size());
      assertEquals(3, ((List<?>) r.get("jit_ms_in_raw_legs")).size());
      String text = log.toString(java.nio.charset.StandardCharsets.UTF_8);
      // R B B R R B: three raw legs and three Beam legs, after one warm-up stretch
      assertTrue(text.contains("warm-up stretch 1 of 1"), text);
      assertTrue(text.contains("raw leg 3:") && !text.contains("raw leg 4:"), text);
      assertTrue(text.contains("Beam leg 3:") && !text.contains("Beam leg 4:"), text);
      assertTrue((Double) r.get("ratio_to_raw_ort") > 0, r.toString());
    }
  }

  @Test
  void medianOfPairRatios() {
    assertEquals(0.97, ModelBenchmark.median(List.of(1.0, 0.97, 0.5, 0.99, 0.9)), 1e-12);
    assertEquals(0.95, ModelBenchmark.median(List.of(1.0, 0.9)), 1e-12);
    assertThrows(IllegalArgumentException.class, () -> ModelBenchmark.median(List.of()));
  }
}
