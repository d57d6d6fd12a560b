package dev.spatialvqa.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ModelConfigTest {
  private static final String H = "ab".repeat(32);

  @Test
  void parsesModelsAndSettings() {
    String json = """
        {"cache_dir": "/tmp/c",
         "models": {
           "clip_vision": {"name": "clip-v", "uri": "gs://b/v.onnx", "sha256": "%s"},
           "clip_text": {"name": "clip-t", "uri": "https://h/t.onnx", "sha256": "%s",
                         "tokenizer": {"uri": "https://h/tokenizer.json", "sha256": "%s"}}},
         "scene_filter": {"include": ["a room"], "threshold": 0.7},
         "detector": {"vocabulary": ["chair"], "score_threshold": 0.3}}
        """.formatted(H, H, H);

    ModelConfig c = ModelConfig.parse(json, "test");

    assertEquals("clip-v", c.model(ModelRole.CLIP_VISION).orElseThrow().name());
    assertEquals("https://h/tokenizer.json", c.model(ModelRole.CLIP_TEXT).orElseThrow().tokenizer().uri());
    assertTrue(c.model(ModelRole.DEPTH).isEmpty());
    assertEquals(List.of("a room"), c.sceneFilter().include());
    assertEquals(ModelConfig.SceneFilterSettings.defaults().exclude(), c.sceneFilter().exclude());
    assertEquals(0.7, c.sceneFilter().threshold());
    assertEquals(List.of("chair"), c.detector().vocabulary());
    assertEquals(0.5, c.detector().nmsIou());
    assertEquals("clip-v@abababababab", c.model(ModelRole.CLIP_VISION).orElseThrow().id());
  }

  @Test
  void errorsNameTheField() {
    ModelException noHash = assertThrows(ModelException.class, () -> ModelConfig.parse(
        "{\"models\": {\"depth\": {\"uri\": \"/m.onnx\"}}}", "cfg.json"));
    assertTrue(noHash.getMessage().contains("cfg.json") && noHash.getMessage().contains("models.depth.sha256"),
        noHash.getMessage());

    ModelException noTok = assertThrows(ModelException.class, () -> ModelConfig.parse(
        "{\"models\": {\"detector\": {\"name\": \"owl\", \"uri\": \"/m.onnx\", \"sha256\": \"" + H + "\"}}}", "cfg.json"));
    assertTrue(noTok.getMessage().contains("needs a tokenizer"), noTok.getMessage());

    ModelException role = assertThrows(ModelException.class, () -> ModelConfig.parse(
        "{\"models\": {\"clip\": {\"uri\": \"/m.onnx\", \"sha256\": \"" + H + "\"}}}", "cfg.json"));
    assertTrue(role.getMessage().contains("unknown model role 'clip'"), role.getMessage());
  }
}
