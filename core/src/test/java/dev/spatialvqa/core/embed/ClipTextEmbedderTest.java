package dev.spatialvqa.core.embed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.spatialvqa.core.models.ModelPool;
import dev.spatialvqa.core.models.ModelResolver;
import dev.spatialvqa.core.models.ModelRole;
import dev.spatialvqa.core.models.OnnxGraph;
import dev.spatialvqa.core.models.TestModels;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClipTextEmbedderTest {
  @TempDir Path dir;

  @AfterAll
  static void close() {
    ModelPool.closeAll();
  }

  /** text_embeds = [sum(ids * mask), sum(mask), 0, ...] per row: reveals ids, padding and mask. */
  private Path graph() throws Exception {
    float[] w = new float[2 * 512];
    w[0] = 1f;
    w[512 + 1] = 1f;
    return OnnxGraph.create()
        .input("input_ids", OnnxGraph.INT64, -1, -1)
        .input("attention_mask", OnnxGraph.INT64, -1, -1)
        .floats("w", w, 2, 512)
        .node("Cast", "input_ids", "idf", "to", (long) OnnxGraph.FLOAT)
        .node("Cast", "attention_mask", "mf", "to", (long) OnnxGraph.FLOAT)
        .node("Mul", new String[] {"idf", "mf"}, new String[] {"im"})
        .node("ReduceSum", new String[] {"im"}, new String[] {"s"}, "keepdims", 1L)
        .longs("ax", new long[] {1}, 1)
        .node("ReduceSum", new String[] {"im", "ax"}, new String[] {"s1"}, "keepdims", 1L)
        .node("ReduceSum", new String[] {"mf", "ax"}, new String[] {"n1"}, "keepdims", 1L)
        .node("Concat", new String[] {"s1", "n1"}, new String[] {"sn"}, "axis", 1L)
        .node("MatMul", new String[] {"sn", "w"}, new String[] {"text_embeds"})
        .output("text_embeds", OnnxGraph.FLOAT, -1, 512)
        .write(dir.resolve("clip_text.onnx"));
  }

  @Test
  void tokenizesPadsMasksAndNormalises() throws Exception {
    Path tok =
        TestModels.copyResource(
            "/all-minilm-l6-v2-q-tokenizer.json", dir.resolve("tokenizer.json"));
    List<String> texts =
        List.of("a photo of a living room", "chair", "a very long caption " + "word ".repeat(100));
    ModelPool pool = ModelPool.shared(ModelPool.Settings.cpu());

    float[][] e;
    try (ClipTextEmbedder emb =
        ClipTextEmbedder.open(
            TestModels.spec("clip-text-test", ModelRole.CLIP_TEXT, graph(), tok),
            pool,
            new ModelResolver(dir, List.of()))) {
      e = emb.embed(texts);
      assertEquals(512, emb.dimension());
      assertTrue(emb.id().startsWith("clip-text-test@"));
    }

    try (HuggingFaceTokenizer t = HuggingFaceTokenizer.newInstance(tok, java.util.Map.of())) {
      for (int i = 0; i < texts.size(); i++) {
        Encoding enc = t.encode(texts.get(i));
        long[] ids = enc.getIds();
        int n = Math.min(ids.length, ClipTextEmbedder.MAX_TOKENS);
        double sum = 0;
        for (int j = 0; j < n; j++) {
          sum += ids[j];
        }
        if (ids.length > n) {
          sum =
              sum - ids[n - 1] + ids[ids.length - 1]; // truncation keeps the closing special token
        }
        double norm = Math.hypot(sum, n);
        assertEquals(sum / norm, e[i][0], 1e-6, "row " + i);
        assertEquals(n / norm, e[i][1], 1e-6, "row " + i);
        assertEquals(0f, e[i][2], 0f);
      }
    }
  }

  @Test
  void embedderSpecClipConfigUsesThePerceptionModelConfig() throws Exception {
    String json = dev.spatialvqa.core.perceive.PerceptionTestModels.configJson(dir);
    Path cfg = java.nio.file.Files.writeString(dir.resolve("models.json"), json);

    try (TextEmbedder e = TextEmbedders.create("clip:" + cfg)) {
      float[][] v = e.embed(List.of("room", "a product photo on white"));
      assertEquals(512, e.dimension());
      assertTrue(e.id().startsWith("clip_text-tiny@"), e.id());
      // the tiny text graph embeds token count n as (10 - n, 0, n - 5): "room" = 3 tokens
      double norm = Math.hypot(7, 2);
      assertEquals(7 / norm, v[0][0], 1e-6);
      assertEquals(-2 / norm, v[0][2], 1e-6);
    }
    Path noClip = java.nio.file.Files.writeString(dir.resolve("none.json"), "{\"models\": {}}");
    dev.spatialvqa.core.models.ModelException ex =
        org.junit.jupiter.api.Assertions.assertThrows(
            dev.spatialvqa.core.models.ModelException.class,
            () -> TextEmbedders.create("clip:" + noClip));
    assertTrue(ex.getMessage().contains("names no clip_text model"), ex.getMessage());
  }
}
