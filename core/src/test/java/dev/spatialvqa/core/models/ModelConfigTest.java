package dev.spatialvqa.core.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ModelConfigTest {
  private static final String H = "ab".repeat(32);

  @Test
  void parsesModelsAndSettings() {
    String json =
        """
        {"cache_dir": "/tmp/c",
         "models": {
           "clip_vision": {"name": "clip-v", "uri": "gs://b/v.onnx", "sha256": "%s"},
           "clip_text": {"name": "clip-t", "uri": "https://h/t.onnx", "sha256": "%s",
                         "tokenizer": {"uri": "https://h/tokenizer.json", "sha256": "%s"}}},
         "scene_filter": {"include": ["a room"], "threshold": 0.7},
         "detector": {"vocabulary": ["chair"], "score_threshold": 0.3}}
        """
            .formatted(H, H, H);

    ModelConfig c = ModelConfig.parse(json, "test");

    assertEquals("clip-v", c.model(ModelRole.CLIP_VISION).orElseThrow().name());
    assertEquals(
        "https://h/tokenizer.json", c.model(ModelRole.CLIP_TEXT).orElseThrow().tokenizer().uri());
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
    ModelException noHash =
        assertThrows(
            ModelException.class,
            () ->
                ModelConfig.parse("{\"models\": {\"depth\": {\"uri\": \"/m.onnx\"}}}", "cfg.json"));
    assertTrue(
        noHash.getMessage().contains("cfg.json")
            && noHash.getMessage().contains("models.depth.sha256"),
        noHash.getMessage());

    ModelException noTok =
        assertThrows(
            ModelException.class,
            () ->
                ModelConfig.parse(
                    "{\"models\": {\"detector\": {\"name\": \"owl\", \"uri\": \"/m.onnx\", \"sha256\": \""
                        + H
                        + "\"}}}",
                    "cfg.json"));
    assertTrue(noTok.getMessage().contains("needs a tokenizer"), noTok.getMessage());

    ModelException role =
        assertThrows(
            ModelException.class,
            () ->
                ModelConfig.parse(
                    "{\"models\": {\"clip\": {\"uri\": \"/m.onnx\", \"sha256\": \"" + H + "\"}}}",
                    "cfg.json"));
    assertTrue(role.getMessage().contains("unknown model role 'clip'"), role.getMessage());
  }

  @Test
  void regionsDefaultToTheDetectorAndParseFlorence2Settings() {
    ModelConfig d = ModelConfig.parse("{}", "t");
    assertEquals(ModelConfig.RegionsKind.DETECTOR, d.regions().kind());
    assertEquals(
        List.of(ModelRole.DEPTH, ModelRole.DETECTOR), MissingModels.missing(d, true, false));

    ModelConfig f =
        ModelConfig.parse(
            """
        {"regions": {"kind": "florence2", "task": "<OD>", "max_new_tokens": 128,
                     "no_repeat_ngram_size": 0, "max_objects": 7, "nms_iou": 0.6}}
        """,
            "t");
    ModelConfig.RegionsSettings r = f.regions();
    assertEquals(ModelConfig.RegionsKind.FLORENCE2, r.kind());
    assertEquals("<OD>", r.task());
    assertEquals(128, r.maxNewTokens());
    assertEquals(0, r.noRepeatNgramSize());
    assertEquals(7, r.maxObjects());
    assertEquals(0.6, r.nmsIou());
    assertEquals(
        List.of(
            ModelRole.CLIP_VISION,
            ModelRole.CLIP_TEXT,
            ModelRole.DEPTH,
            ModelRole.FLORENCE2_VISION_ENCODER,
            ModelRole.FLORENCE2_EMBED_TOKENS,
            ModelRole.FLORENCE2_ENCODER,
            ModelRole.FLORENCE2_DECODER),
        MissingModels.missing(f, true, true));

    ModelConfig.RegionsSettings defaults =
        ModelConfig.parse("{\"regions\": {\"kind\": \"florence2\"}}", "t").regions();
    assertEquals("<DENSE_REGION_CAPTION>", defaults.task());
    assertEquals(256, defaults.maxNewTokens());
    assertEquals(3, defaults.noRepeatNgramSize());
    assertEquals(20, defaults.maxObjects());
    assertEquals(0.5, defaults.nmsIou());
  }

  @Test
  void florence2EmbedTokensNeedsTheTokenizerAndRegionErrorsNameTheField() {
    ModelException noTok =
        assertThrows(
            ModelException.class,
            () ->
                ModelConfig.parse(
                    "{\"models\": {\"florence2_embed_tokens\": {\"uri\": \"/e.onnx\", \"sha256\": \""
                        + H
                        + "\"}}}",
                    "c"));
    assertTrue(noTok.getMessage().contains("needs a tokenizer"), noTok.getMessage());
    for (String[] bad :
        new String[][] {
          {"\"kind\": \"florence\"", "regions.kind must be one of [detector, florence2]"},
          {"\"task\": \"<CAPTION>\"", "regions.task must be"},
          {"\"max_new_tokens\": 1", "regions.max_new_tokens"},
          {"\"no_repeat_ngram_size\": -1", "regions.no_repeat_ngram_size"},
          {"\"max_objects\": 0", "regions.max_objects"},
          {"\"nms_iou\": 0", "regions.nms_iou"},
          {"\"max_tokens\": 9", "regions.max_tokens is not a setting"}
        }) {
      ModelException e =
          assertThrows(
              ModelException.class,
              () -> ModelConfig.parse("{\"regions\": {" + bad[0] + "}}", "c"),
              bad[0]);
      assertTrue(e.getMessage().contains(bad[1]), e.getMessage());
    }
  }

  @Test
  void aMergedFlorence2DecoderBreaksTheContractWithAdvice() {
    java.util.Map<String, TensorSpec> merged = new java.util.LinkedHashMap<>();
    merged.put("encoder_attention_mask", TensorSpec.of("encoder_attention_mask", "int64", -1, -1));
    merged.put(
        "encoder_hidden_states", TensorSpec.of("encoder_hidden_states", "float32", -1, -1, 768));
    merged.put("inputs_embeds", TensorSpec.of("inputs_embeds", "float32", -1, -1, 768));
    merged.put(
        "past_key_values.0.decoder.key",
        TensorSpec.of("past_key_values.0.decoder.key", "float32", -1, 12, -1, 64));
    merged.put("use_cache_branch", TensorSpec.of("use_cache_branch", "bool", 1));
    java.util.Map<String, TensorSpec> outs =
        java.util.Map.of("logits", TensorSpec.of("logits", "float32", -1, -1, 51289));
    List<String> diffs = ModelRole.FLORENCE2_DECODER.contract().differences(merged, outs);
    assertEquals(2, diffs.size(), diffs.toString());
    assertTrue(ModelRole.FLORENCE2_DECODER.advice(merged).contains("decoder_model.onnx"));

    merged.remove("use_cache_branch");
    merged.remove("past_key_values.0.decoder.key");
    assertEquals(List.of(), ModelRole.FLORENCE2_DECODER.contract().differences(merged, outs));
    assertEquals(null, ModelRole.FLORENCE2_DECODER.advice(merged));
  }

  /** The onnx-community Florence-2-base export's with-past decoder: 6 layers of 12 heads of 64. */
  @Test
  void theWithPastDecoderCacheLayoutIsReadFromItsInputs() {
    java.util.Map<String, TensorSpec> in = new java.util.LinkedHashMap<>();
    java.util.Map<String, TensorSpec> out = new java.util.LinkedHashMap<>();
    in.put("encoder_attention_mask", TensorSpec.of("encoder_attention_mask", "int64", -1, -1));
    in.put("inputs_embeds", TensorSpec.of("inputs_embeds", "float32", -1, -1, 768));
    out.put("logits", TensorSpec.of("logits", "float32", -1, -1, 51289));
    for (int i = 0; i < 6; i++) {
      for (String part : KvCacheLayout.PARTS) {
        String name = KvCacheLayout.past(i, part);
        in.put(name, TensorSpec.of(name, "float32", -1, 12, -1, 64));
      }
      for (String part : KvCacheLayout.PARTS.subList(0, 2)) {
        String name = KvCacheLayout.present(i, part);
        out.put(name, TensorSpec.of(name, "float32", -1, 12, -1, 64));
      }
    }
    ModelRole wp = ModelRole.FLORENCE2_DECODER_WITH_PAST;
    assertEquals(new KvCacheLayout(6, 12, 64), KvCacheLayout.read(in, out).layout());
    assertEquals(List.of(), wp.differences(wp.contract(), in, out));
    assertEquals(null, wp.advice(in));
    in.put("encoder_hidden_states", TensorSpec.of("encoder_hidden_states", "float32", -1, -1, 768));
    assertEquals(
        List.of(), wp.differences(wp.contract(), in, out), "encoder_hidden_states is optional");

    // the no-past decoder_model.onnx must return all 24 presents for the cached path
    java.util.Map<String, TensorSpec> decoderOut = new java.util.LinkedHashMap<>(out);
    assertEquals(12, new KvCacheLayout(6, 12, 64).missingPresents(decoderOut).size());

    in.put(
        "past_key_values.3.encoder.value",
        TensorSpec.of("past_key_values.3.encoder.value", "float32", -1, 16, -1, 64));
    in.remove("past_key_values.5.decoder.key");
    out.remove("present.2.decoder.value");
    List<String> diffs = wp.differences(wp.contract(), in, out);
    assertEquals(3, diffs.size(), diffs.toString());
    assertTrue(diffs.get(0).contains("missing output present.2.decoder.value"), diffs.toString());
    assertTrue(diffs.get(1).contains("heads (axis 1) 16 differs"), diffs.toString());
    assertTrue(
        diffs.get(2).contains("missing input past_key_values.5.decoder.key"), diffs.toString());

    assertEquals(
        List.of(ModelRole.FLORENCE2_DECODER_WITH_PAST),
        ModelConfig.RegionsKind.FLORENCE2.optionalRoles());
    assertEquals(
        ModelRole.FLORENCE2_DECODER_WITH_PAST, ModelRole.fromKey("florence2_decoder_with_past"));
  }
}
