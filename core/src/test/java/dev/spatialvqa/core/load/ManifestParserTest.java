package dev.spatialvqa.core.load;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ManifestParserTest {
  @Test
  void parsesAFullLine() throws Exception {
    ManifestEntry e =
        ManifestParser.parse(
            "{\"scene_id\":\"s1\",\"image\":\"a/image.jpg\",\"depth\":\"a/d.png\",\"depth_scale_m\":0.001,"
                + "\"intrinsics\":{\"fx\":529.5,\"fy\":529.5,\"cx\":364,\"cy\":264},"
                + "\"gravity_up_camera\":[0,-2,0],\"instances\":\"a/i.png\","
                + "\"objects\":[{\"id\":1,\"caption\":\"bed\",\"box2d_xyxy\":[1,2,30,40]},{\"id\":\"x\",\"caption\":\"lamp\"}]}");
    assertEquals("s1", e.sceneId());
    assertEquals(0.001, e.depthScaleM());
    assertArrayEquals(new double[] {529.5, 529.5, 364, 264}, e.intrinsics());
    assertArrayEquals(new double[] {0, -1, 0}, e.gravityUpCamera(), 1e-12);
    assertEquals(2, e.objects().size());
    assertEquals("1", e.objects().get(0).id());
    assertArrayEquals(new double[] {1, 2, 30, 40}, e.objects().get(0).box2dXyxy());
    assertNull(e.objects().get(1).box2dXyxy());
  }

  @Test
  void imageOnlyLineHasNoDepth() throws Exception {
    ManifestEntry e = ManifestParser.parse("{\"scene_id\":\"s\",\"image\":\"x.jpg\"}");
    assertNull(e.depth());
    assertNull(e.intrinsics());
    assertTrue(e.objects().isEmpty());
  }

  @Test
  void groundTruthIsAKnownFieldTheEngineIgnores() throws Exception {
    String base = "{\"scene_id\":\"s\",\"image\":\"x.jpg\",";
    ManifestEntry e = ManifestParser.parse(base + "\"ground_truth\":\"s/ground_truth.json\"}");
    assertEquals(ManifestParser.parse(base.replaceAll(",$", "}")), e);
    InputException near =
        assertThrows(
            InputException.class,
            () -> ManifestParser.parse(base + "\"groundtruth\":\"s/ground_truth.json\"}"));
    assertEquals("unknown_field", near.reason());
    assertTrue(near.getMessage().contains("ground_truth"), near.getMessage());
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "not json at all | malformed_json",
        "[1,2] | malformed_json",
        "{\"image\":\"x.jpg\"} | missing_field",
        "{\"scene_id\":\"s\"} | missing_field",
        "{\"scene_id\":\"s\",\"image\":\"x.jpg\",\"depth\":\"d.png\"} | missing_field",
        "{\"scene_id\":\"s\",\"image\":\"x.jpg\",\"depth\":\"d.png\",\"depth_scale_m\":-1} | bad_field",
        "{\"scene_id\":\"s\",\"image\":\"x.jpg\",\"intrinsics\":{\"fx\":1}} | bad_intrinsics",
        "{\"scene_id\":\"s\",\"image\":\"x.jpg\",\"gravity_up_camera\":[0,0,0]} | bad_field",
        "{\"scene_id\":\"s\",\"image\":\"x.jpg\",\"objects\":[{\"id\":1}]} | missing_field",
        "{\"scene_id\":\"s\",\"image\":\"x.jpg\",\"objects\":[{\"id\":1,\"caption\":\"a\"},{\"id\":1,\"caption\":\"b\"}]} | bad_field",
        "{\"scene_id\":\"s\",\"image\":\"x.jpg\",\"objects\":[{\"id\":1,\"caption\":\"a\",\"box2d_xyxy\":[5,5,1,1]}]} | bad_field",
      })
  void rejectsBadLinesWithAReason(String line, String reason) {
    InputException e = assertThrows(InputException.class, () -> ManifestParser.parse(line));
    assertEquals(reason, e.reason());
    assertTrue(e.getMessage().length() > 10, e.getMessage());
  }

  @Test
  void resolvesRelativePathsAgainstTheManifestFolder() {
    assertEquals("/data/m/a/b.png", SceneLoader.resolve("/data/m/manifest.jsonl", "a/b.png"));
    assertEquals("gs://bkt/x/a.png", SceneLoader.resolve("gs://bkt/x/manifest.jsonl", "a.png"));
    assertEquals("/abs/a.png", SceneLoader.resolve("/data/m/manifest.jsonl", "/abs/a.png"));
    assertEquals(
        "gs://other/a.png", SceneLoader.resolve("/data/m/manifest.jsonl", "gs://other/a.png"));
  }
}
