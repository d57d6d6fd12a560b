package dev.spatialvqa.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spatialvqa.models.ModelPool;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The model benchmark's argument parsing and pair statistics (nothing timed). */
class ModelBenchmarkTest {
  @Test
  void defaults() {
    ModelBenchmark.Config c = ModelBenchmark.Config.parse(List.of());
    assertEquals(new ModelBenchmark.Config(2048, 16, 64, 512, 2048, 5, 0, false, 4, 2048), c);
    ModelPool.Settings p = c.pool();
    assertEquals(1, p.maxConcurrentPerDevice());
    assertFalse(p.spinWait());
    assertEquals(0, p.intraOpThreads());
    assertEquals(4, p.intraOpThreadsFor(4)); // all cores for the one call at a time
  }

  @Test
  void flags() {
    ModelBenchmark.Config c = ModelBenchmark.Config.parse(
        List.of("--rows=64", "--batch=8", "--pairs=3", "--intraOpThreads=2", "--ortSpinWait", "--shards=2"));
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
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ModelBenchmark.Config.parse(List.of("--ortSpinWait=yes")));
    assertTrue(e.getMessage().contains("--ortSpinWait"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> ModelBenchmark.Config.parse(List.of("--rows=lots")));
    assertTrue(e.getMessage().contains("--rows"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> ModelBenchmark.Config.parse(List.of("--pairs=0")));
    assertThrows(IllegalArgumentException.class, () -> ModelBenchmark.Config.parse(List.of("--warmupRows=0")));
    assertThrows(IllegalArgumentException.class, () -> ModelBenchmark.Config.parse(List.of("--intraOpThreads=-1")));
  }

  @Test
  void medianOfPairRatios() {
    assertEquals(0.97, ModelBenchmark.median(List.of(1.0, 0.97, 0.5, 0.99, 0.9)), 1e-12);
    assertEquals(0.95, ModelBenchmark.median(List.of(1.0, 0.9)), 1e-12);
    assertThrows(IllegalArgumentException.class, () -> ModelBenchmark.median(List.of()));
  }
}
