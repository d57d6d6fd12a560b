package dev.spatialvqa.core.embed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spatialvqa.core.math.Vectors;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The real all-MiniLM-L6-v2 (quantized) model from the Maven jar. */
class MiniLmTextEmbedderTest {
  private static TextEmbedder embedder;

  @BeforeAll
  static void load() {
    embedder = TextEmbedders.create("minilm");
  }

  @AfterAll
  static void close() {
    embedder.close();
  }

  @Test
  void paraphrasedCaptionsCollapseAndDifferentObjectsDoNot() {
    float[][] v =
        embedder.embed(List.of("a wooden chair", "wooden chair", "a red mug", "a laptop"));

    double chairs = Vectors.dot(v[0], v[1]);
    double mugLaptop = Vectors.dot(v[2], v[3]);
    double chairMug = Vectors.dot(v[0], v[2]);
    assertTrue(chairs > 0.9, "chair paraphrases: " + chairs);
    assertTrue(mugLaptop < 0.5, "mug vs laptop: " + mugLaptop);
    assertTrue(chairMug < 0.5, "chair vs mug: " + chairMug);
  }

  @Test
  void vectorsAreUnitLengthWithTheModelDimension() {
    float[][] v = embedder.embed(List.of("a night stand", "the lamp on the left"));

    assertEquals(384, embedder.dimension());
    for (float[] x : v) {
      assertEquals(384, x.length);
      assertEquals(1.0, Vectors.dot(x, x), 1e-4);
    }
    assertTrue(embedder.id().startsWith("all-minilm-l6-v2-q@"), embedder.id());
  }

  @Test
  void defaultIsBatchIndependentAndLargerBatchesStayClose() {
    List<String> texts = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      texts.add(i % 2 == 0 ? "chair" : "a much longer caption about a tall wooden bookshelf " + i);
    }
    float[][] batched;
    try (TextEmbedder seven = TextEmbedders.create("minilm:7")) {
      batched = seven.embed(texts);
    }
    float[][] deterministic = embedder.embed(texts);
    float[][] alone = embedder.embed(List.of(texts.get(38)));

    assertEquals(40, batched.length);
    assertEquals(1.0, Vectors.dot(deterministic[38], alone[0]), 1e-6);
    assertEquals(1.0, Vectors.dot(deterministic[0], deterministic[2]), 1e-6);
    // int8 dynamic quantization scales per batch tensor: batch mates move a vector a little
    assertEquals(1.0, Vectors.dot(batched[38], alone[0]), 0.03);
  }

  @Test
  void emptyInputGivesNoVectorsAndBadSpecsNameTheValue() {
    assertEquals(0, embedder.embed(List.of()).length);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> TextEmbedders.create("word2vec"));
    assertTrue(e.getMessage().contains("word2vec"), e.getMessage());
  }
}
