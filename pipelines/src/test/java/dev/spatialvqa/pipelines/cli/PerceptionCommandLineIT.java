package dev.spatialvqa.pipelines.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spatialvqa.core.models.ModelPool;
import dev.spatialvqa.core.perceive.PerceptionTestModels;
import dev.spatialvqa.pipelines.graph.Fixtures;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code run --models=CONFIG}: image-only manifest lines are perceived instead of dead-lettered.
 */
class PerceptionCommandLineIT {
  @AfterAll
  static void close() {
    ModelPool.closeAll();
  }

  @Test
  void runWithModelsPerceivesImageOnlyLines(@TempDir Path dir) throws Exception {
    Path manifest = Fixtures.manifestWithBadLines(dir);
    Path models =
        Files.writeString(dir.resolve("models.json"), PerceptionTestModels.configJson(dir, false));
    Path output = dir.resolve("out");
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);

    int code =
        Main.run(
            List.of(
                "run",
                "--input=manifest:" + manifest,
                "--output=" + output,
                "--models=" + models,
                "--sceneFilter=false",
                // the image-only line shows scene 2's image: scene dedupe would rightly drop one
                "--dedupe=false",
                "--intraOpThreads=1",
                "--modelBatchSize=2"),
            out,
            new PrintStream(err, true, StandardCharsets.UTF_8));

    assertEquals(0, code, err.toString(StandardCharsets.UTF_8));
    JsonNode summary = new ObjectMapper().readTree(output.resolve("summary.json").toFile());
    assertEquals(5, summary.get("inputs").asLong());
    assertEquals(3, summary.get("outputs").get("scenes").asLong());
    assertFalse(summary.get("dead_letters").has("missing_model"), summary.toString());
    assertTrue(summary.get("balanced").asBoolean());
  }
}
