package dev.spatialvqa.vision;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import ai.djl.inference.Predictor;
import dev.spatialvqa.models.ModelPool;
import dev.spatialvqa.models.ModelResolver;
import dev.spatialvqa.models.ModelRole;
import dev.spatialvqa.models.OnnxGraph;
import dev.spatialvqa.models.TestModels;
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
        .lease(TestModels.spec(role.key() + "-test", role, file), new ModelResolver(dir, List.of()));
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
    return Vectors.l2Normalise(v);
  }

  /** predicted_depth = de-normalised red channel (v/255), optionally focal_length_px = 259. */
  static Path depthGraph(Path dir, boolean withFocal) throws Exception {
    OnnxGraph g = OnnxGraph.create()
        .input("pixel_values", OnnxGraph.FLOAT, -1, 3, 518, 518)
        .longs("starts", new long[] {0}, 1)
        .longs("ends", new long[] {1}, 1)
        .longs("axes", new long[] {1}, 1)
        .floats("std", new float[] {Preprocess.IMAGENET_STD[0]})
        .floats("mean", new float[] {Preprocess.IMAGENET_MEAN[0]})
        .node("Slice", new String[] {"pixel_values", "starts", "ends", "axes"}, new String[] {"r"})
        .node("Squeeze", new String[] {"r", "axes"}, new String[] {"rs"})
        .node("Mul", new String[] {"rs", "std"}, new String[] {"rm"})
        .node("Add", new String[] {"rm", "mean"}, new String[] {"predicted_depth"})
        .output("predicted_depth", OnnxGraph.FLOAT, -1, 518, 518);
    if (withFocal) {
      g.floats("f", new float[] {259f})
          .node("ReduceMean", "rs", "rmean", "axes", new long[] {1, 2}, "keepdims", 0L)
          .node("Mul", new String[] {"rmean", "f"}, new String[] {"f0"})
          .node("Div", new String[] {"f0", "rmean"}, new String[] {"focal_length_px"})
          .output("focal_length_px", OnnxGraph.FLOAT, -1);
    }
    return g.write(dir.resolve(withFocal ? "depth_focal.onnx" : "depth.onnx"));
  }

  @Test
  void depthIsResizedBackToTheImageInMetres() throws Exception {
    // red channel ramps smoothly left to right: depth = red / 255
    int w = 320;
    int h = 240;
    int[] px = new int[w * h];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        px[y * w + x] = (int) Math.round(40 + 160.0 * x / (w - 1)) << 16 | 0x4040;
      }
    }
    RgbImage img = new RgbImage(w, h, px);
    try (ModelPool.Lease l = lease(ModelRole.DEPTH, depthGraph(dir, false));
        Predictor<List<RgbImage>, List<DepthPrediction>> p = l.newPredictor(new DepthTranslator())) {
      List<DepthPrediction> out = l.predict(p, List.of(img, PreprocessTest.solid(50, 90, 0xCC0000)));

      DepthPrediction d = out.get(0);
      assertEquals(w, d.width());
      assertEquals(h, d.height());
      assertNull(d.fxPx());
      for (int x = 3; x < w - 3; x += 7) {
        double truth = Math.round(40 + 160.0 * x / (w - 1)) / 255.0;
        assertEquals(truth, d.metres()[120 * w + x], 1.5 / 255);
      }
      DepthPrediction s = out.get(1);
      assertEquals(50 * 90, s.metres().length);
      assertEquals(0xCC / 255.0, s.metres()[45 * 50 + 25], 1e-5);
    }
  }

  @Test
  void predictedFocalIsConvertedToImagePixels() throws Exception {
    try (ModelPool.Lease l = lease(ModelRole.DEPTH, depthGraph(dir, true));
        Predictor<List<RgbImage>, List<DepthPrediction>> p = l.newPredictor(new DepthTranslator())) {
      DepthPrediction d = l.predict(p, List.of(PreprocessTest.solid(640, 480, 0x808080))).get(0);
      assertEquals(320.0, d.fxPx(), 1e-3);
      assertEquals(240.0, d.fyPx(), 1e-3);
    }
  }
}
