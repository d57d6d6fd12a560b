package dev.spatialvqa.core.perceive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spatialvqa.core.lift.MaskBits;
import dev.spatialvqa.core.models.ModelConfig.DetectorSettings;
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

/** OWLv2 post-processing and SAM prompting through DJL + ONNX Runtime on tiny graphs. */
public class RegionsAndMasksTest {
  @TempDir Path dir;

  @AfterAll
  static void close() {
    ModelPool.closeAll();
  }

  /** 3 patches x 2 queries (chair, table) of fixed logits and boxes, broadcast over the batch. */
  public static Path owlv2Graph(Path dir) throws Exception {
    return owlv2Graph(dir, -1);
  }

  /**
   * As {@link #owlv2Graph(Path)} with the batch of pixel_values fixed at {@code batch} (-1: any).
   */
  public static Path owlv2Graph(Path dir, long batch) throws Exception {
    return OnnxGraph.create()
        .input("input_ids", OnnxGraph.INT64, -1, 16)
        .input("pixel_values", OnnxGraph.FLOAT, batch, 3, 960, 960)
        .input("attention_mask", OnnxGraph.INT64, -1, 16)
        .floats("L", new float[] {2f, -1f, 1f, -1f, -3f, 0.5f}, 1, 3, 2)
        .floats(
            "B",
            new float[] {.25f, .25f, .2f, .2f, .26f, .25f, .2f, .2f, .5f, .45f, .2f, .2f},
            1,
            3,
            4)
        .floats("zero", new float[] {0f})
        .longs("shp", new long[] {-1, 1, 1}, 3)
        .node("ReduceMean", "pixel_values", "z", "axes", new long[] {1, 2, 3}, "keepdims", 0L)
        .node("Reshape", new String[] {"z", "shp"}, new String[] {"zr"})
        .node("Mul", new String[] {"zr", "zero"}, new String[] {"z0"})
        .node("Add", new String[] {"z0", "L"}, new String[] {"logits"})
        .node("Add", new String[] {"z0", "B"}, new String[] {"pred_boxes"})
        .output("logits", OnnxGraph.FLOAT, -1, -1, -1)
        .output("pred_boxes", OnnxGraph.FLOAT, -1, -1, 4)
        .write(dir.resolve(batch < 0 ? "owlv2.onnx" : "owlv2_b" + batch + ".onnx"));
  }

  @Test
  void owlv2BoxesAreScaledToThePaddedSquareClippedThresholdedAndSuppressed() throws Exception {
    Path tok =
        TestModels.copyResource(
            "/all-minilm-l6-v2-q-tokenizer.json", dir.resolve("tokenizer.json"));
    ModelPool pool = ModelPool.shared(ModelPool.Settings.cpu());
    DetectorSettings s = new DetectorSettings(List.of("chair", "table"), 0.2, 0.5, 10);
    try (Owlv2Detector d =
        new Owlv2Detector(
            pool.lease(
                TestModels.spec("owl-test", ModelRole.DETECTOR, owlv2Graph(dir), tok),
                new ModelResolver(dir, List.of())),
            s)) {
      List<List<Region>> out =
          d.propose(
              List.of(PreprocessTest.solid(200, 100, 0x336699), PreprocessTest.solid(100, 100, 0)));

      List<Region> a = out.get(0);
      assertEquals(2, a.size(), a.toString());
      assertEquals(
          new Region(30, 30, 70, 70, "chair", 1 / (1 + Math.exp(-2))).toString(),
          round(a.get(0)).toString());
      assertEquals(
          new Region(80, 70, 120, 100, "table", 1 / (1 + Math.exp(-0.5))).toString(),
          round(a.get(1)).toString());
      Region b = round(out.get(1).get(0));
      assertEquals(List.of(15.0, 15.0, 35.0, 35.0), List.of(b.x0(), b.y0(), b.x1(), b.y1()));
    }
  }

  private static Region round(Region r) {
    return new Region(
        Math.round(r.x0() * 1e4) / 1e4,
        Math.round(r.y0() * 1e4) / 1e4,
        Math.round(r.x1() * 1e4) / 1e4,
        Math.round(r.y1() * 1e4) / 1e4,
        r.caption(),
        r.score());
  }

  @Test
  void nmsKeepsDifferentLabelsAndCaps() {
    List<Region> r =
        List.of(
            new Region(0, 0, 10, 10, "a", 0.9), new Region(1, 0, 11, 10, "a", 0.8),
            new Region(1, 0, 11, 10, "b", 0.7), new Region(50, 50, 60, 60, "a", 0.6));
    assertEquals(List.of(r.get(0), r.get(2), r.get(3)), Nms.perCaption(r, 0.5, 5));
    assertEquals(List.of(r.get(0), r.get(2)), Nms.perCaption(r, 0.5, 2));
  }

  public static Path samEncoderGraph(Path dir) throws Exception {
    float[] w = new float[256 * 3];
    for (int k = 0; k < 256; k++) {
      w[k * 3 + k % 3] = 1f;
    }
    return OnnxGraph.create()
        .input("image", OnnxGraph.FLOAT, 1, 3, 1024, 1024)
        .floats("W", w, 256, 3, 1, 1)
        .node(
            "AveragePool",
            "image",
            "p",
            "kernel_shape",
            new long[] {16, 16},
            "strides",
            new long[] {16, 16})
        .node("Conv", new String[] {"p", "W"}, new String[] {"image_embeddings"})
        .output("image_embeddings", OnnxGraph.FLOAT, 1, 256, 64, 64)
        .write(dir.resolve("sam_encoder.onnx"));
  }

  /**
   * A --return-single-mask decoder: masks [1,1,H,W] = the prompt box (mapped back by 1024 / max(H,
   * W)) as logits +-1 when 3 or more points are given (the single-mask output), the box grown by 10
   * px for a box alone (2 points: the best multi-mask output); iou = the first two labels summed.
   */
  public static Path samDecoderGraph(Path dir) throws Exception {
    return OnnxGraph.create()
        .input("image_embeddings", OnnxGraph.FLOAT, 1, 256, 64, 64)
        .input("point_coords", OnnxGraph.FLOAT, 1, -1, 2)
        .input("point_labels", OnnxGraph.FLOAT, 1, -1)
        .input("mask_input", OnnxGraph.FLOAT, 1, 1, 256, 256)
        .input("has_mask_input", OnnxGraph.FLOAT, 1)
        .input("orig_im_size", OnnxGraph.FLOAT, 2)
        .floats("c1024", new float[] {1024f})
        .floats("zero", new float[] {0f})
        .floats("one", new float[] {1f})
        .floats("two", new float[] {2f})
        .longs("shp4", new long[] {4}, 1)
        .longs("i0", new long[] {0})
        .longs("i1", new long[] {1})
        .longs("i2", new long[] {2})
        .longs("i3", new long[] {3})
        .longs("ax0", new long[] {0}, 1)
        .longs("ax1", new long[] {1}, 1)
        .longs("ax01", new long[] {0, 1}, 2)
        .node("ReduceMax", "orig_im_size", "mx", "keepdims", 0L)
        .node("Div", new String[] {"c1024", "mx"}, new String[] {"s"})
        .longs("p0", new long[] {0}, 1)
        .longs("p2", new long[] {2}, 1)
        .floats("cut", new float[] {2.5f})
        .floats("ten", new float[] {10f})
        .node("Slice", new String[] {"point_coords", "p0", "p2", "ax1"}, new String[] {"pc2"})
        .node("Div", new String[] {"pc2", "s"}, new String[] {"pc"})
        .node("Reshape", new String[] {"pc", "shp4"}, new String[] {"flat"})
        // return_single_mask's rule: with 2 points (a box alone) the best multi-mask output is
        // returned, here the box grown by 10 px; with 3 or more the single-mask output (the box)
        .node("Shape", "point_coords", "pshape")
        .node("Gather", new String[] {"pshape", "i1"}, new String[] {"np"})
        .node("Cast", "np", "npf", "to", (long) OnnxGraph.FLOAT)
        .node("Less", new String[] {"npf", "cut"}, new String[] {"loose"})
        .node("Cast", "loose", "loosef", "to", (long) OnnxGraph.FLOAT)
        .node("Mul", new String[] {"loosef", "ten"}, new String[] {"grow"})
        .node("Gather", new String[] {"flat", "i0"}, new String[] {"x0t"})
        .node("Gather", new String[] {"flat", "i1"}, new String[] {"y0t"})
        .node("Gather", new String[] {"flat", "i2"}, new String[] {"x1t"})
        .node("Gather", new String[] {"flat", "i3"}, new String[] {"y1t"})
        .node("Sub", new String[] {"x0t", "grow"}, new String[] {"x0"})
        .node("Sub", new String[] {"y0t", "grow"}, new String[] {"y0"})
        .node("Add", new String[] {"x1t", "grow"}, new String[] {"x1"})
        .node("Add", new String[] {"y1t", "grow"}, new String[] {"y1"})
        .node("Gather", new String[] {"orig_im_size", "i0"}, new String[] {"H"})
        .node("Gather", new String[] {"orig_im_size", "i1"}, new String[] {"W"})
        .node("Range", new String[] {"zero", "W", "one"}, new String[] {"xs"})
        .node("Range", new String[] {"zero", "H", "one"}, new String[] {"ys"})
        .node("GreaterOrEqual", new String[] {"xs", "x0"}, new String[] {"xa"})
        .node("LessOrEqual", new String[] {"xs", "x1"}, new String[] {"xb"})
        .node("And", new String[] {"xa", "xb"}, new String[] {"inx"})
        .node("GreaterOrEqual", new String[] {"ys", "y0"}, new String[] {"ya"})
        .node("LessOrEqual", new String[] {"ys", "y1"}, new String[] {"yb"})
        .node("And", new String[] {"ya", "yb"}, new String[] {"iny"})
        .node("Unsqueeze", new String[] {"iny", "ax1"}, new String[] {"iny2"})
        .node("Unsqueeze", new String[] {"inx", "ax0"}, new String[] {"inx2"})
        .node("And", new String[] {"iny2", "inx2"}, new String[] {"m"})
        .node("Cast", "m", "mf", "to", (long) OnnxGraph.FLOAT)
        .node("Mul", new String[] {"mf", "two"}, new String[] {"m2"})
        .node("Sub", new String[] {"m2", "one"}, new String[] {"lg"})
        .node("Unsqueeze", new String[] {"lg", "ax01"}, new String[] {"masks"})
        .node("Slice", new String[] {"point_labels", "p0", "p2", "ax1"}, new String[] {"pl2"})
        .node("ReduceSum", new String[] {"pl2"}, new String[] {"iou_predictions"}, "keepdims", 1L)
        .output("masks", OnnxGraph.FLOAT, -1, -1, -1, -1)
        .output("iou_predictions", OnnxGraph.FLOAT, -1, -1)
        .write(dir.resolve("sam_decoder.onnx"));
  }

  @Test
  void samBoxPromptIsMappedToThe1024FrameAndTheMaskComesBackAtImageSize() throws Exception {
    ModelPool pool = ModelPool.shared(ModelPool.Settings.cpu());
    ModelResolver res = new ModelResolver(dir, List.of());
    try (SamSegmenter sam =
        new SamSegmenter(
            pool.lease(
                TestModels.spec("sam-enc", ModelRole.SAM_ENCODER, samEncoderGraph(dir)), res),
            pool.lease(
                TestModels.spec("sam-dec", ModelRole.SAM_DECODER, samDecoderGraph(dir)), res))) {
      List<SamSegmenter.Mask> masks =
          sam.segment(
              PreprocessTest.solid(640, 480, 0x808080),
              List.of(
                  new Region(100, 50, 300, 200, "chair", 0.9),
                  new Region(0, 0, 639, 479, "room", 0.5)));

      SamSegmenter.Mask m = masks.get(0);
      assertEquals(5.0, m.iou(), 1e-6); // labels 2 + 3: a box prompt
      assertEquals(1, m.outputs()); // a --return-single-mask export
      // the single-mask output (the box), not the best multi-mask one (the box grown by 10 px):
      // the padding point (label -1) made the export select SAM's single-mask token
      assertEquals(201 * 151, MaskBits.count(m.bits()));
      assertTrue(MaskBits.get(m.bits(), 50 * 640 + 100));
      assertTrue(MaskBits.get(m.bits(), 200 * 640 + 300));
      assertFalse(MaskBits.get(m.bits(), 49 * 640 + 100));
      assertFalse(MaskBits.get(m.bits(), 50 * 640 + 301));
      assertEquals(640 * 480, MaskBits.count(masks.get(1).bits()));
    }
  }
}
