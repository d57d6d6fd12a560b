package dev.spatialvqa.pipelines.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spatialvqa.pipelines.graph.Fixtures;
import dev.spatialvqa.pipelines.graph.Outputs;
import dev.spatialvqa.schemas.DeadLetter;
import dev.spatialvqa.schemas.QaRecord;
import dev.spatialvqa.schemas.SceneRecord;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile and careless manifest input through the real {@code run} command (issue: nothing lost,
 * nothing silently wrong, items 4-11 and 14): every bad line becomes a dead letter whose reason and
 * message say what is wrong, the good scene still yields QA, no dead letter quotes input bytes, and
 * the ledger balances.
 */
class BadInputIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Line number -> expected reason, and a phrase its message must hold. */
  private final Map<Integer, String[]> expected = new TreeMap<>();

  private final List<String> lines = new ArrayList<>();

  private void bad(String line, String reason, String phrase) {
    lines.add(line);
    expected.put(lines.size(), new String[] {reason, phrase});
  }

  private static ObjectNode scene1(Path data, String id) throws Exception {
    String first = Files.readAllLines(Fixtures.bundledManifest()).get(0);
    ObjectNode n = (ObjectNode) JSON.readTree(first);
    n.put("scene_id", id);
    for (String f : new String[] {"image", "depth", "instances"}) {
      n.put(f, data.resolve(n.get(f).asText()).toString());
    }
    return n;
  }

  @Test
  void everyBadLineIsADeadLetterWithItsReasonAndTheGoodSceneStillYieldsQa(@TempDir Path dir)
      throws Exception {
    Path data = Fixtures.bundledDir();
    // derived bad files: an 8-bit depth PNG, an RGB instance map, and a folder
    BufferedImage depth16 = ImageIO.read(data.resolve("sunrgbd-000001/depth_mm.png").toFile());
    BufferedImage depth8 =
        new BufferedImage(depth16.getWidth(), depth16.getHeight(), BufferedImage.TYPE_BYTE_GRAY);
    depth8.getGraphics().drawImage(depth16, 0, 0, null);
    Path depth8Png = dir.resolve("depth8.png");
    ImageIO.write(depth8, "png", depth8Png.toFile());
    BufferedImage inst = ImageIO.read(data.resolve("sunrgbd-000001/instances.png").toFile());
    BufferedImage rgb =
        new BufferedImage(inst.getWidth(), inst.getHeight(), BufferedImage.TYPE_INT_RGB);
    rgb.getGraphics().drawImage(inst, 0, 0, null);
    Path rgbPng = dir.resolve("instances_rgb.png");
    ImageIO.write(rgb, "png", rgbPng.toFile());
    Path folder = Files.createDirectories(dir.resolve("a-folder.jpg"));
    Path secret = dir.resolve("passwd");
    Files.writeString(secret, "root:x:0:0:root:/root:/bin/bash\n");

    // line 1: a good scene behind a byte-order mark, with a caption full of special tokens
    ObjectNode good = scene1(data, "good");
    ((ObjectNode) good.get("objects").get(1)).put("caption", "night stand</s><|im_end|><image>");
    lines.add("\uFEFF" + JSON.writeValueAsString(good));

    bad(JSON.writeValueAsString(scene1(data, "zero").put("image", "/dev/zero")), "not_a_file", "");
    bad(
        JSON.writeValueAsString(scene1(data, "dir").put("image", folder.toString())),
        "not_a_file",
        "is a directory");
    bad(
        JSON.writeValueAsString(scene1(data, "passwd").put("image", secret.toString())),
        "undecodable_image",
        "looks like text");
    bad(
        JSON.writeValueAsString(scene1(data, "depth8").put("depth", depth8Png.toString())),
        "bad_depth",
        "8-bit");
    bad(
        JSON.writeValueAsString(
            scene1(data, "depth-rgb")
                .put("depth", data.resolve("sunrgbd-000001/image.jpg").toString())),
        "bad_depth",
        "3 channels");
    ObjectNode hugeF = scene1(data, "fx-huge");
    ((ObjectNode) hugeF.get("intrinsics")).put("fx", 1e300).put("fy", 1e300);
    bad(JSON.writeValueAsString(hugeF), "bad_intrinsics", "field of view");
    ObjectNode aspect = scene1(data, "fx-aspect");
    ((ObjectNode) aspect.get("intrinsics")).put("fx", 5295).put("fy", 52.95);
    bad(JSON.writeValueAsString(aspect), "bad_intrinsics", "fx/fy");
    ObjectNode down = scene1(data, "gravity-down");
    down.putArray("gravity_up_camera").add(0).add(1).add(0);
    bad(JSON.writeValueAsString(down), "gravity_contradicts_depth", "points down");
    ObjectNode typo = scene1(data, "typo-intrinsics");
    typo.set("instrinsics", typo.remove("intrinsics"));
    bad(JSON.writeValueAsString(typo), "unknown_field", "did you mean 'intrinsics'");
    ObjectNode typo2 = scene1(data, "typo-objects");
    typo2.set("object", typo2.remove("objects"));
    bad(JSON.writeValueAsString(typo2), "unknown_field", "did you mean 'objects'");
    ObjectNode typo3 = scene1(data, "typo-gravity");
    typo3.putArray("gravity_up").add(0).add(-1).add(0);
    bad(JSON.writeValueAsString(typo3), "unknown_field", "did you mean 'gravity_up_camera'");
    bad(
        JSON.writeValueAsString(scene1(data, "two-a"))
            + " "
            + JSON.writeValueAsString(scene1(data, "two-b")),
        "malformed_json",
        "more than one JSON value");
    bad(
        JSON.writeValueAsString(scene1(data, "inst-rgb").put("instances", rgbPng.toString())),
        "bad_instances",
        "channels");
    ObjectNode strangers = scene1(data, "inst-ids");
    for (JsonNode o : strangers.get("objects")) {
      ((ObjectNode) o).put("id", "x" + o.get("id").asText());
    }
    bad(JSON.writeValueAsString(strangers), "instances_mismatch", "no object's id");
    bad(
        "{\"scene_id\": \"long\", \"pad\": \"" + "a".repeat(1_100_000) + "\"}",
        "line_too_long",
        "characters");

    Path manifest = dir.resolve("manifest.jsonl");
    Files.write(manifest, lines);
    Path out = dir.resolve("out");
    ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
    ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
    int code =
        Main.run(
            List.of(
                "run",
                "--input=manifest:" + manifest,
                "--output=" + out,
                "--embedder=none",
                "--dedupe=false"),
            new PrintStream(outBytes, true, StandardCharsets.UTF_8),
            new PrintStream(errBytes, true, StandardCharsets.UTF_8));
    String err = errBytes.toString(StandardCharsets.UTF_8);
    assertEquals(0, code, err + outBytes);

    Map<Integer, String[]> got = new TreeMap<>();
    for (DeadLetter d : Outputs.read(out.resolve("deadletters"), DeadLetter.class)) {
      assertFalse(d.getMessage().contains("root:x"), "a dead letter echoes input: " + d);
      Long line = d.getInputRef().getLine();
      if (line == null) {
        // lift-stage dead letters name the scene, not the line
        int n = 0;
        for (String l : lines) {
          n++;
          if (l.contains("\"scene_id\":\"" + d.getInputRef().getSceneId() + "\"")) {
            line = (long) n;
          }
        }
      }
      got.put(line.intValue(), new String[] {d.getReason(), d.getMessage()});
    }
    assertEquals(expected.keySet(), got.keySet(), "dead-letter lines");
    for (var e : expected.entrySet()) {
      String[] g = got.get(e.getKey());
      assertEquals(e.getValue()[0], g[0], "line " + e.getKey() + ": " + g[1]);
      assertTrue(g[1].contains(e.getValue()[1]), "line " + e.getKey() + ": " + g[1]);
    }

    List<SceneRecord> scenes = Outputs.read(out.resolve("scenes"), SceneRecord.class);
    assertEquals(List.of("good"), scenes.stream().map(s -> s.getSceneId().toString()).toList());
    assertTrue(
        scenes.get(0).getObjects().stream().anyMatch(o -> o.getCaption().equals("night stand")),
        "caption cleaned: " + scenes.get(0).getObjects());
    List<QaRecord> qa = new ArrayList<>(Outputs.read(out.resolve("qa"), QaRecord.class));
    qa.addAll(Outputs.read(out.resolve("reserve"), QaRecord.class));
    assertTrue(qa.size() > 10, "QA of the good scene: " + qa.size());
    for (QaRecord q : qa) {
      assertFalse(q.getQuestion().contains("<"), q.getQuestion());
    }
    JsonNode summary = JSON.readTree(out.resolve("summary.json").toFile());
    assertTrue(summary.get("balanced").asBoolean(), summary.toString());
    assertEquals(lines.size(), summary.get("inputs").asInt());
    assertEquals(expected.size(), summary.get("dead_letters_written").asInt());
    assertFalse(err.contains("Failed to match temporary files"), err);
    assertFalse(err.contains("CUDA"), err);
  }
}
