package dev.spatialvqa.pipelines.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spatialvqa.core.evaluate.GroundTruth;
import dev.spatialvqa.pipelines.graph.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How evaluate finds each manifest line's ground truth, and what it refuses (no run). */
class EvaluateCommandTest {
  @Test
  void readsEveryLinesGroundTruthRelativeToTheManifest() throws Exception {
    Map<String, GroundTruth> gt =
        EvaluateCommand.readGroundTruth(
            Fixtures.bundledDir().resolve("manifest-ground-truth.jsonl").toString());
    assertEquals(List.of("sunrgbd-000001", "sunrgbd-000002"), List.copyOf(gt.keySet()));
    assertEquals(6, gt.get("sunrgbd-000001").boxes().size());
  }

  @Test
  void refusesMissingDuplicateAndImplausibleGroundTruth(@TempDir Path dir) throws Exception {
    String gtPath = Fixtures.bundledDir().resolve("sunrgbd-000002/ground_truth.json").toString();
    String line = "{\"scene_id\": \"s\", \"image\": \"x.jpg\", \"ground_truth\": \"%s\"}";
    assertTrue(
        refusal(dir, "{\"scene_id\": \"s\", \"image\": \"x.jpg\"}")
            .contains("no \"ground_truth\""));
    assertTrue(refusal(dir, String.format(line, "nope.json")).contains("no such file"));
    assertTrue(
        refusal(dir, String.format(line, gtPath) + "\n" + String.format(line, gtPath))
            .contains("appears twice"));
    Path bad = dir.resolve("bad.json");
    Files.writeString(
        bad,
        Files.readString(Path.of(gtPath)).replaceFirst("\"R_cv_to_upright\"", "\"R_ignored\""));
    assertTrue(refusal(dir, String.format(line, bad)).contains("R_cv_to_upright"));
    // lines that are not JSON are left to the engine (dead letters); one good line is enough
    Path m = dir.resolve("m.jsonl");
    Files.writeString(m, "not json\n\n" + String.format(line, gtPath) + "\n");
    assertEquals(1, EvaluateCommand.readGroundTruth(m.toString()).size());
  }

  private static String refusal(Path dir, String manifest) throws Exception {
    Path m = dir.resolve("m.jsonl");
    Files.writeString(m, manifest + "\n");
    return assertThrows(
            IllegalArgumentException.class, () -> EvaluateCommand.readGroundTruth(m.toString()))
        .getMessage();
  }
}
