package dev.spatialvqa.pipelines.options;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spatialvqa.core.models.ModelException;
import dev.spatialvqa.core.models.ModelPool;
import dev.spatialvqa.core.models.ModelRole;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PerceptionSettingsTest {
  private static ModelOptions opts(String... args) {
    ModelOptions o = PipelineOptionsFactory.fromArgs(args).as(ModelOptions.class);
    FileSystems.setDefaultPipelineOptions(o);
    return o;
  }

  @Test
  void defaultsAndFlags(@TempDir Path dir) throws Exception {
    PerceptionSettings d = PerceptionSettings.from(opts());
    assertNull(d.models());
    assertEquals(List.of("cpu"), d.pool().devices());
    assertEquals(8, d.batching().size());
    assertTrue(d.sceneFilter());
    assertEquals(false, d.pool().spinWait());
    assertEquals(0, d.pool().intraOpThreads());

    Path cfg =
        Files.writeString(
            dir.resolve("models.json"),
            "{\"models\": {\"depth\": {\"name\": \"da2\","
                + " \"uri\": \"/m/depth.onnx\", \"sha256\": \""
                + "c".repeat(64)
                + "\", \"depth_kind\": \"metric\", \"max_depth\": 20}}}");
    PerceptionSettings s =
        PerceptionSettings.from(
            opts(
                "--models=" + cfg,
                "--devices=cpu,gpu:1",
                "--devicePlacement=round_robin",
                "--intraOpThreads=2",
                "--interOpThreads=1",
                "--modelBatchSize=4",
                "--modelMaxBufferingMs=250",
                "--modelShards=3",
                "--sceneFilter=false",
                "--maxConcurrentPerDevice=3",
                "--ortSpinWait=true"));
    assertEquals("da2", s.models().model(ModelRole.DEPTH).orElseThrow().name());
    assertEquals(
        new ModelPool.Settings(
            List.of("cpu", "gpu:1"), 3, ModelPool.Placement.ROUND_ROBIN, 1, 2, true),
        s.pool());
    assertEquals(4, s.batching().size());
    assertEquals(250, s.batching().maxBuffering().toMillis());
    assertEquals(3, s.batching().shards());
    assertEquals(List.of(ModelRole.DETECTOR), s.missing());
  }

  @Test
  void badValuesNameTheOption() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> PerceptionSettings.from(opts("--devicePlacement=random")));
    assertTrue(e.getMessage().contains("--devicePlacement"), e.getMessage());
    assertThrows(
        IllegalArgumentException.class, () -> PerceptionSettings.from(opts("--devices=tpu")));
    assertThrows(
        ModelException.class, () -> PerceptionSettings.from(opts("--models=/nope/models.json")));
  }
}
