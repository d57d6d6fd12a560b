package dev.spatialvqa.core.perceive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.spatialvqa.core.image.RgbImage;
import dev.spatialvqa.core.models.ModelConfig;
import dev.spatialvqa.core.models.ModelConfig.RegionsKind;
import dev.spatialvqa.core.models.ModelConfig.RegionsSettings;
import dev.spatialvqa.core.models.ModelPool;
import dev.spatialvqa.core.models.ModelResolver;
import dev.spatialvqa.core.models.OnnxGraph;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Beam search against greedy on a decoder whose next-token distribution depends on the last token
 * (read back from its embedding, token k = (k, k, k, k) / 1000): from {@code <s>} p("red") = 0.5,
 * p(" chair") = 0.4, p("lamp") = 0.1; after "red" p(" table") = 0.34, p("wooden") = p("lamp") =
 * 0.33; after " chair" p(" table") = 0.99; after anything else {@code </s>}. Greedy takes "red
 * table" (0.5 x 0.34 = 0.17); three beams find " chair table" (0.4 x 0.99 = 0.396), worked by hand:
 * step 1 keeps red, chair, lamp; step 2 keeps chair-table (.396), red-table (.17), red-wooden
 * (.165), and lamp-</s> (.1) ranks 5th of 6, beyond the 3 beams, so it ends no hypothesis; step 3
 * ends the three kept beams with </s>, the best being chair-table.
 */
class Florence2BeamSearchTest {
  @TempDir Path dir;

  private static final int ROWS = 9; // tokens 0..8; higher ids share row 8's </s>

  private Path decoder() throws Exception {
    int v = Florence2TestModels.VOCAB;
    float[] table = new float[ROWS * v];
    java.util.Arrays.fill(table, -100f);
    for (int r = 0; r < ROWS; r++) {
      table[r * v + 2] = 0f; // </s> unless set below
    }
    table[2] = -100f; // row 0 (<s>)
    table[4] = (float) Math.log(0.5); // red
    table[5] = (float) Math.log(0.4); // chair
    table[8] = (float) Math.log(0.1); // lamp
    int red = 4 * v;
    table[red + 2] = -100f;
    table[red + 6] = (float) Math.log(0.34);
    table[red + 7] = (float) Math.log(0.33);
    table[red + 8] = (float) Math.log(0.33);
    int chair = 5 * v;
    table[chair + 2] = -100f;
    table[chair + 6] = (float) Math.log(0.99);
    table[chair + 7] = (float) Math.log(0.01);
    return OnnxGraph.create()
        .input("encoder_attention_mask", OnnxGraph.INT64, -1, -1)
        .input("encoder_hidden_states", OnnxGraph.FLOAT, -1, -1, -1)
        .input("inputs_embeds", OnnxGraph.FLOAT, -1, -1, -1)
        .floats("table", table, ROWS, v)
        .longs("s0", new long[] {0}, 1)
        .longs("e1", new long[] {1}, 1)
        .longs("ax2", new long[] {2}, 1)
        .floats("k", new float[] {1000f})
        .longs("top", new long[] {ROWS - 1})
        .node("Slice", new String[] {"inputs_embeds", "s0", "e1", "ax2"}, new String[] {"e0"})
        .node("Squeeze", new String[] {"e0", "ax2"}, new String[] {"e0s"})
        .node("Mul", new String[] {"e0s", "k"}, new String[] {"idf"})
        .node("Round", "idf", "idr")
        .node("Cast", "idr", "ids", "to", (long) OnnxGraph.INT64)
        .node("Min", new String[] {"ids", "top"}, new String[] {"idc"})
        .node("Gather", new String[] {"table", "idc"}, new String[] {"logits"}, "axis", 0L)
        .output("logits", OnnxGraph.FLOAT, -1, -1, v)
        .write(dir.resolve("beam_decoder.onnx"));
  }

  private Florence2Captioner open(int beams) throws Exception {
    RegionsSettings s =
        new RegionsSettings(
            RegionsKind.FLORENCE2, RegionsSettings.DENSE_REGION_CAPTION, 16, 0, 20, 0.5, beams);
    return Florence2TestModels.captioner(
        ModelPool.shared(ModelPool.Settings.cpu()),
        new ModelResolver(dir.resolve("cache"), List.of()),
        dir,
        Florence2TestModels.tokenizer(dir),
        decoder(),
        null,
        s);
  }

  @Test
  void threeBeamsFindTheMoreLikelyCaptionGreedyMisses() throws Exception {
    RgbImage img = PreprocessTest.solid(32, 32, 0x808080);
    try (Florence2Captioner greedy = open(1)) {
      assertEquals(List.of("<s>red table</s>"), greedy.generate(List.of(img)));
    }
    try (Florence2Captioner beam = open(3)) {
      assertEquals(
          List.of("<s> chair table</s>", "<s> chair table</s>"), beam.generate(List.of(img, img)));
    }
  }

  @Test
  void numBeamsIsParsedAndBounded() {
    ModelConfig c =
        ModelConfig.parse(
            "{\"regions\": {\"kind\": \"florence2\", \"num_beams\": 3, \"max_new_tokens\": 1024}}",
            "t");
    assertEquals(3, c.regions().numBeams());
    assertEquals(1, ModelConfig.empty().regions().numBeams());
    assertThrows(
        dev.spatialvqa.core.models.ModelException.class,
        () -> ModelConfig.parse("{\"regions\": {\"num_beams\": 0}}", "t"));
  }
}
