package dev.spatialvqa.core.perceive;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.translate.NoBatchifyTranslator;
import ai.djl.translate.TranslateException;
import ai.djl.translate.TranslatorContext;
import dev.spatialvqa.core.image.RgbImage;
import dev.spatialvqa.core.math.Vectors;
import dev.spatialvqa.core.models.ModelException;
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

/** Pre/post-processing checked numerically through DJL + ONNX Runtime on tiny graphs. */
class VisionTranslatorTest {
  @TempDir Path dir;

  @AfterAll
  static void close() {
    ModelPool.closeAll();
  }

  private ModelPool.Lease lease(ModelRole role, Path file) {
    return ModelPool.shared(ModelPool.Settings.cpu().withThreads(1, 1))
        .lease(
            TestModels.spec(role.key() + "-test", role, file), new ModelResolver(dir, List.of()));
  }

  @Test
  void clipVisionBatchSeesNormalisedCroppedPixelsAndReturnsUnitVectors() throws Exception {
    // image 0: solid colour; image 1: 448x224, left half red, right half blue -> crop is half/half
    RgbImage solid = PreprocessTest.solid(300, 200, 0xFF8000);
    int[] px = new int[448 * 224];
    for (int y = 0; y < 224; y++) {
      for (int x = 0; x < 448; x++) {
        px[y * 448 + x] = x < 224 ? 0xFF0000 : 0x0000FF;
      }
    }
    RgbImage halves = new RgbImage(448, 224, px);
    try (ModelPool.Lease l = lease(ModelRole.CLIP_VISION, TestModels.clipVision(dir));
        Predictor<List<RgbImage>, float[][]> p = l.newPredictor(new ClipImageTranslator())) {
      float[][] e = l.predict(p, List.of(solid, halves));

      assertEquals(2, e.length);
      float[] m0 = new float[3];
      float[] m1 = new float[3];
      for (int c = 0; c < 3; c++) {
        float v0 = new float[] {1f, 128f / 255f, 0f}[c];
        m0[c] = (v0 - Preprocess.CLIP_MEAN[c]) / Preprocess.CLIP_STD[c];
        float lo = (0f - Preprocess.CLIP_MEAN[c]) / Preprocess.CLIP_STD[c];
        float hi = (1f - Preprocess.CLIP_MEAN[c]) / Preprocess.CLIP_STD[c];
        m1[c] = c == 1 ? lo : (lo + hi) / 2; // red: left half 1, blue: right half 1
      }
      assertArrayEquals(expected(m0), e[0], 1e-4f);
      assertArrayEquals(expected(m1), e[1], 1e-4f);
    }
  }

  /** The test graph's embedding: channel (k mod 3) mean at position k, L2-normalised. */
  private static float[] expected(float[] means) {
    float[] v = new float[512];
    for (int k = 0; k < 512; k++) {
      v[k] = means[k % 3];
    }
    return Vectors.normalizedExact(v);
  }

  private static final long DYN = -1;

  /**
   * predicted_depth = de-normalised red channel (v/255); {@code pixel_echo} = the input tensor as
   * fed; optionally focal_length_px = 259. Height/width fixed (h, w >= 0) or dynamic (-1).
   */
  static Path depthGraph(Path dir, boolean withFocal, long h, long w) throws Exception {
    OnnxGraph g =
        OnnxGraph.create()
            .input("pixel_values", OnnxGraph.FLOAT, -1, 3, h, w)
            .longs("starts", new long[] {0}, 1)
            .longs("ends", new long[] {1}, 1)
            .longs("axes", new long[] {1}, 1)
            .floats("std", new float[] {Preprocess.IMAGENET_STD[0]})
            .floats("mean", new float[] {Preprocess.IMAGENET_MEAN[0]})
            .node(
                "Slice",
                new String[] {"pixel_values", "starts", "ends", "axes"},
                new String[] {"r"})
            .node("Squeeze", new String[] {"r", "axes"}, new String[] {"rs"})
            .node("Mul", new String[] {"rs", "std"}, new String[] {"rm"})
            .node("Add", new String[] {"rm", "mean"}, new String[] {"predicted_depth"})
            .node("Identity", "pixel_values", "pixel_echo")
            .output("predicted_depth", OnnxGraph.FLOAT, -1, h, w)
            .output("pixel_echo", OnnxGraph.FLOAT, -1, 3, h, w);
    if (withFocal) {
      g.floats("f", new float[] {259f})
          .node("ReduceMean", "rs", "rmean", "axes", new long[] {1, 2}, "keepdims", 0L)
          .node("Mul", new String[] {"rmean", "f"}, new String[] {"f0"})
          .node("Div", new String[] {"f0", "rmean"}, new String[] {"focal_length_px"})
          .output("focal_length_px", OnnxGraph.FLOAT, -1);
    }
    return g.write(dir.resolve("depth_" + (withFocal ? "focal_" : "") + h + "x" + w + ".onnx"));
  }

  static Path depthGraph(Path dir, boolean withFocal) throws Exception {
    return depthGraph(dir, withFocal, 518, 518);
  }

  /** The depth translator's input as the model saw it: pixel_echo's shape and values. */
  record Echo(long[] shape, float[] values) {}

  /** Feeds through {@link DepthTranslator#processInput}, returns the graph's pixel_echo. */
  static final class EchoTranslator implements NoBatchifyTranslator<List<RgbImage>, Echo> {
    private final DepthTranslator depth;

    EchoTranslator(DepthTranslator depth) {
      this.depth = depth;
    }

    @Override
    public NDList processInput(TranslatorContext ctx, List<RgbImage> images) {
      return depth.processInput(ctx, images);
    }

    @Override
    public Echo processOutput(TranslatorContext ctx, NDList list) {
      NDArray e = Outputs.named(list, "pixel_echo");
      return new Echo(e.getShape().getShape(), e.toFloatArray());
    }
  }

  /** Red ramps left to right (40..200), green 0x40, blue 0x40: depth truth = red / 255. */
  static RgbImage ramp(int w, int h) {
    int[] px = new int[w * h];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        px[y * w + x] = (int) Math.round(40 + 160.0 * x / (w - 1)) << 16 | 0x4040;
      }
    }
    return new RgbImage(w, h, px);
  }

  static void assertRampDepth(DepthPrediction d, int w, int h) {
    assertEquals(w, d.width());
    assertEquals(h, d.height());
    assertEquals(w * h, d.metres().length);
    for (int x = 3; x < w - 3; x += 7) {
      double truth = Math.round(40 + 160.0 * x / (w - 1)) / 255.0;
      assertEquals(truth, d.metres()[(h / 2) * w + x], 1.5 / 255, "x=" + x);
    }
  }

  @Test
  void dynamicExportGetsTheAspectKeptSizeNormalisedWithImageNetMeanStd() throws Exception {
    try (ModelPool.Lease l = lease(ModelRole.DEPTH, depthGraph(dir, false, DYN, DYN))) {
      DepthTranslator t = DepthTranslator.forModel(l);
      assertTrue(!t.isFixed());
      try (Predictor<List<RgbImage>, Echo> p = l.newPredictor(new EchoTranslator(t))) {
        Echo e =
            l.predict(
                p,
                List.of(
                    PreprocessTest.solid(640, 480, 0xFF8000),
                    PreprocessTest.solid(640, 480, 0x00FF20)));

        assertArrayEquals(new long[] {2, 3, 518, 686}, e.shape());
        int plane = 518 * 686;
        int[][] rgb = {{0xFF, 0x80, 0x00}, {0x00, 0xFF, 0x20}};
        for (int i = 0; i < 2; i++) {
          for (int c = 0; c < 3; c++) {
            float want =
                (rgb[i][c] / 255f - Preprocess.IMAGENET_MEAN[c]) / Preprocess.IMAGENET_STD[c];
            int base = (i * 3 + c) * plane;
            assertEquals(want, e.values()[base], 1e-5);
            assertEquals(want, e.values()[base + 517 * 686 + 685], 1e-5);
            assertEquals(want, e.values()[base + 200 * 686 + 300], 1e-5);
          }
        }
      }
      try (Predictor<List<RgbImage>, Echo> p = l.newPredictor(new EchoTranslator(t))) {
        assertArrayEquals(
            new long[] {1, 3, 686, 518},
            l.predict(p, List.of(PreprocessTest.solid(480, 640, 0x808080))).shape());
        assertArrayEquals(
            new long[] {1, 3, 518, 518},
            l.predict(p, List.of(PreprocessTest.solid(518, 518, 0x808080))).shape());
        assertArrayEquals(
            new long[] {1, 3, 518, 1288},
            l.predict(p, List.of(PreprocessTest.solid(5, 2, 0x808080))).shape());
      }
    }
  }

  @Test
  void fixedExportKeepsItsFixedSize() throws Exception {
    try (ModelPool.Lease l = lease(ModelRole.DEPTH, depthGraph(dir, false))) {
      DepthTranslator t = DepthTranslator.forModel(l);
      assertTrue(t.isFixed());
      try (Predictor<List<RgbImage>, Echo> p = l.newPredictor(new EchoTranslator(t))) {
        Echo e =
            l.predict(
                p,
                List.of(
                    PreprocessTest.solid(640, 480, 0xFF8000),
                    PreprocessTest.solid(50, 90, 0xFF8000)));
        assertArrayEquals(new long[] {2, 3, 518, 518}, e.shape());
        assertEquals(
            (1f - Preprocess.IMAGENET_MEAN[0]) / Preprocess.IMAGENET_STD[0], e.values()[0], 1e-5);
      }
    }
  }

  @Test
  void halfFixedExportIsRefusedNamingTheModel() throws Exception {
    Path half = depthGraph(dir, false, 518, DYN);
    ModelException e = assertThrows(ModelException.class, () -> lease(ModelRole.DEPTH, half));
    String m = e.getMessage();
    assertTrue(m.contains("model 'depth-test'"), m);
    assertTrue(m.contains("pixel_values float32[?,3,518,?]"), m);
    assertTrue(m.contains("height and width"), m);
    assertTrue(m.contains("half-fixed"), m);
  }

  @Test
  void depthIsResizedBackToTheImageInMetres() throws Exception {
    for (long side : new long[] {518, DYN}) {
      try (ModelPool.Lease l = lease(ModelRole.DEPTH, depthGraph(dir, false, side, side));
          Predictor<List<RgbImage>, List<DepthPrediction>> p =
              l.newPredictor(DepthTranslator.forModel(l))) {
        List<RgbImage> batch =
            side < 0
                ? List.of(ramp(640, 480), ramp(320, 240)) // both 686x518 inputs
                : List.of(ramp(640, 480), PreprocessTest.solid(50, 90, 0xCC0000));
        List<DepthPrediction> out = l.predict(p, batch);

        assertRampDepth(out.get(0), 640, 480);
        assertNull(out.get(0).fxPx());
        if (side < 0) {
          assertRampDepth(out.get(1), 320, 240);
        } else {
          DepthPrediction s = out.get(1);
          assertEquals(50 * 90, s.metres().length);
          assertEquals(0xCC / 255.0, s.metres()[45 * 50 + 25], 1e-5);
        }
      }
    }
  }

  @Test
  void oneCallRefusesImagesOfDifferentInputSizes() throws Exception {
    try (ModelPool.Lease l = lease(ModelRole.DEPTH, depthGraph(dir, false, DYN, DYN));
        Predictor<List<RgbImage>, List<DepthPrediction>> p =
            l.newPredictor(DepthTranslator.forModel(l))) {
      TranslateException e =
          assertThrows(
              TranslateException.class,
              () -> l.predict(p, List.of(ramp(640, 480), ramp(480, 640))));
      Throwable root = e;
      while (root.getCause() != null) {
        root = root.getCause();
      }
      assertTrue(root.getMessage().contains("one input size"), root.getMessage());
    }
  }

  @Test
  void estimatorSplitsAMixedSizeBatchAndKeepsItsOrder() throws Exception {
    List<RgbImage> batch =
        List.of(ramp(640, 480), ramp(480, 640), ramp(518, 518), ramp(320, 240), ramp(101, 37));
    try (DepthEstimator d =
        new DepthEstimator(lease(ModelRole.DEPTH, depthGraph(dir, true, DYN, DYN)))) {
      List<DepthPrediction> out = d.estimate(batch);

      assertEquals(batch.size(), out.size());
      for (int i = 0; i < batch.size(); i++) {
        RgbImage img = batch.get(i);
        assertRampDepth(out.get(i), img.width(), img.height());
        Preprocess.Size in = Preprocess.depthSize(img.width(), img.height());
        // focal 259 in input pixels, converted with the image's own input size
        assertEquals(259.0 * img.width() / in.width(), out.get(i).fxPx(), 1e-3);
        assertEquals(259.0 * img.height() / in.height(), out.get(i).fyPx(), 1e-3);
      }
    }
  }

  @Test
  void predictedFocalIsConvertedToImagePixels() throws Exception {
    // fixed 518x518: 640x480 squashed, f = 259 input pixels
    try (ModelPool.Lease l = lease(ModelRole.DEPTH, depthGraph(dir, true));
        Predictor<List<RgbImage>, List<DepthPrediction>> p =
            l.newPredictor(DepthTranslator.forModel(l))) {
      DepthPrediction d = l.predict(p, List.of(PreprocessTest.solid(640, 480, 0x808080))).get(0);
      assertEquals(320.0, d.fxPx(), 1e-3);
      assertEquals(240.0, d.fyPx(), 1e-3);
    }
    // dynamic: 640x480 -> 686x518 input, fx = 259 * 640 / 686, fy = 259 * 480 / 518 = 240
    try (ModelPool.Lease l = lease(ModelRole.DEPTH, depthGraph(dir, true, DYN, DYN));
        Predictor<List<RgbImage>, List<DepthPrediction>> p =
            l.newPredictor(DepthTranslator.forModel(l))) {
      DepthPrediction d = l.predict(p, List.of(PreprocessTest.solid(640, 480, 0x808080))).get(0);
      assertEquals(259.0 * 640 / 686, d.fxPx(), 1e-3);
      assertEquals(240.0, d.fyPx(), 1e-3);
    }
  }
}
