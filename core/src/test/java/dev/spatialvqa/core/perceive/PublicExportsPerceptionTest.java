package dev.spatialvqa.core.perceive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spatialvqa.core.embed.ClipTextEmbedder;
import dev.spatialvqa.core.image.RgbImage;
import dev.spatialvqa.core.models.ModelConfig;
import dev.spatialvqa.core.models.ModelPool;
import dev.spatialvqa.core.models.ModelResolver;
import dev.spatialvqa.core.models.ModelRole;
import dev.spatialvqa.core.models.OnnxGraph;
import dev.spatialvqa.core.models.PublicExports;
import dev.spatialvqa.core.models.TestModels;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The public exports' signatures run through perception: CLIP text without attention_mask, a depth
 * export with a fixed output size, the metric-depth plausibility check, OWLv2 with a fixed batch.
 */
class PublicExportsPerceptionTest {
  @TempDir Path dir;

  private ModelPool.Lease lease(ModelRole role, Path file, Path tok) {
    ModelPool pool = ModelPool.shared(ModelPool.Settings.cpu().withThreads(1, 1));
    ModelResolver res = new ModelResolver(dir, List.of());
    return pool.lease(
        tok == null
            ? TestModels.spec(role.key() + "-pub", role, file)
            : TestModels.spec(role.key() + "-pub", role, file, tok),
        res);
  }

  @Test
  void clipTextWithoutAttentionMaskIsFedInputIdsOnly() throws Exception {
    // text_embeds[n] = (number of ids, 1, 0, ...): ids only, so a mask could not be fed
    float[] w = new float[2 * 512];
    w[0] = 1f;
    w[512 + 1] = 1f;
    Path f =
        OnnxGraph.create()
            .input("input_ids", OnnxGraph.INT64, -1, -1)
            .floats("w", w, 2, 512)
            .floats("zero", new float[] {0f})
            .floats("one", new float[] {1f})
            .longs("ax", new long[] {1}, 1)
            .node("Cast", "input_ids", "idf", "to", (long) OnnxGraph.FLOAT)
            .node("Mul", new String[] {"idf", "zero"}, new String[] {"z"})
            .node("Add", new String[] {"z", "one"}, new String[] {"ones"})
            .node("ReduceSum", new String[] {"ones", "ax"}, new String[] {"n"}, "keepdims", 1L)
            .node(
                "ReduceMax",
                new String[] {"ones"},
                new String[] {"o1"},
                "axes",
                new long[] {1},
                "keepdims",
                1L)
            .node("Concat", new String[] {"n", "o1"}, new String[] {"n1"}, "axis", 1L)
            .node("MatMul", new String[] {"n1", "w"}, new String[] {"text_embeds"})
            .output("text_embeds", OnnxGraph.FLOAT, -1, 512)
            .write(dir.resolve("text_model.onnx"));
    Path tok =
        TestModels.copyResource("/all-minilm-l6-v2-q-tokenizer.json", dir.resolve("tok.json"));
    try (ClipTextEmbedder e = new ClipTextEmbedder(lease(ModelRole.CLIP_TEXT, f, tok))) {
      float[][] v = e.embed(List.of("chair", "a photo of a chair"));
      // padded to the batch's longest: both rows see the same sequence length L, unit vectors
      // (L, 1) / |(L, 1)|
      double l = v[0][0] / v[0][1];
      assertTrue(l >= 3, "sequence length " + l);
      assertEquals(l, v[1][0] / v[1][1], 1e-4);
      assertEquals(1.0, v[0][0] * v[0][0] + v[0][1] * v[0][1], 1e-5);
    }
  }

  /** red channel / 255 of pixel_values, resized to a fixed 518x686 (h x w) whatever the input. */
  private Path fixedOutputDepth() throws Exception {
    return OnnxGraph.create()
        .input("pixel_values", OnnxGraph.FLOAT, 1, 3, -1, -1)
        .longs("starts", new long[] {0}, 1)
        .longs("ends", new long[] {1}, 1)
        .longs("axes", new long[] {1}, 1)
        .floats("std", new float[] {Preprocess.IMAGENET_STD[0]})
        .floats("mean", new float[] {Preprocess.IMAGENET_MEAN[0]})
        .longs("sizes", new long[] {1, 1, 518, 686}, 4)
        .floats("roi", new float[0], 0)
        .floats("scales", new float[0], 0)
        .node("Slice", new String[] {"pixel_values", "starts", "ends", "axes"}, new String[] {"r"})
        .node("Mul", new String[] {"r", "std"}, new String[] {"rm"})
        .node("Add", new String[] {"rm", "mean"}, new String[] {"d"})
        .node(
            "Resize",
            new String[] {"d", "roi", "scales", "sizes"},
            new String[] {"dr"},
            "mode",
            "linear")
        .node("Squeeze", new String[] {"dr", "axes"}, new String[] {"predicted_depth"})
        .output("predicted_depth", OnnxGraph.FLOAT, -1, -1, -1)
        .write(dir.resolve("depth_legacy.onnx"));
  }

  /** A portrait image whose red channel rises from 0 (top row) to 255 (bottom row). */
  private static RgbImage verticalRamp(int w, int h) {
    int[] px = new int[w * h];
    for (int y = 0; y < h; y++) {
      int r = Math.round(255f * y / (h - 1));
      for (int x = 0; x < w; x++) {
        px[y * w + x] = r << 16;
      }
    }
    return new RgbImage(w, h, px);
  }

  @Test
  void aFixedOutputSizeDepthExportIsResizedBackToEachImage() throws Exception {
    try (DepthEstimator d =
        new DepthEstimator(
            lease(ModelRole.DEPTH, fixedOutputDepth(), null), new ModelConfig.DepthSettings(20))) {
      assertTrue(!d.translator().isFixed()); // dynamic input: the keep-aspect rule
      // portrait 240x320 -> input 518x686 (w x h), output fixed 686x518: transposed aspect
      List<DepthPrediction> p = d.estimate(List.of(verticalRamp(240, 320)));
      DepthPrediction one = p.get(0);
      assertEquals(240, one.width());
      assertEquals(320, one.height());
      for (int y : new int[] {40, 160, 280}) {
        // the ramp survives the stretch to 686x518 and back: depth(y) ~ red(y) / 255
        assertEquals(y / 319.0, one.metres()[y * 240 + 120], 0.02, "row " + y);
      }
    }
  }

  private static DepthPrediction map(int w, int h, java.util.function.IntToDoubleFunction row) {
    float[] d = new float[w * h];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        d[y * w + x] = (float) row.applyAsDouble(y);
      }
    }
    return new DepthPrediction(w, h, d, null, null);
  }

  @Test
  void metricDepthPassesInverseDepthStopsTheRunOutOfRangeStopsAtOnce() {
    // a synthetic sweep of scenes: the floor recedes from 1 m (bottom row) to far(k) at the top
    List<DepthPrediction> metric = new ArrayList<>();
    List<DepthPrediction> inverse = new ArrayList<>();
    for (int k = 0; k < 8; k++) {
      double far = 2 + k;
      DepthPrediction m = map(32, 24, y -> far - (far - 1) * y / 23.0);
      metric.add(m);
      inverse.add(map(32, 24, y -> 1 / (far - (far - 1) * y / 23.0) * 10));
    }
    DepthPlausibility ok = new DepthPlausibility("da2-metric", 20);
    ok.check(metric.subList(0, 4));
    ok.check(metric.subList(4, 8));

    DepthPlausibility rel = new DepthPlausibility("da2-small", 20);
    rel.check(inverse.subList(0, 3)); // 3 images: too few to decide
    DepthPlausibility.NotMetricDepth e =
        assertThrows(
            DepthPlausibility.NotMetricDepth.class, () -> rel.check(inverse.subList(3, 4)));
    assertTrue(e.getMessage().contains("4 of the first 4"), e.getMessage());

    // one scene of eight looking at a near ceiling (bottom farther) does not stop a metric run
    List<DepthPrediction> mixed = new ArrayList<>(metric.subList(0, 7));
    mixed.add(inverse.get(0));
    new DepthPlausibility("da2-metric", 20).check(mixed);

    DepthPlausibility range = new DepthPlausibility("da2-indoor", 20);
    DepthPlausibility.NotMetricDepth big =
        assertThrows(
            DepthPlausibility.NotMetricDepth.class,
            () -> range.check(List.of(map(8, 8, y -> 35.0))));
    assertTrue(big.getMessage().contains("max_depth 20.0"), big.getMessage());
    // sky at 0 in inverse depth: the top median is 0
    assertEquals(
        Double.POSITIVE_INFINITY,
        DepthPlausibility.bottomOverTop(map(4, 8, y -> y < 4 ? 0 : 5).metres(), 4, 8));
  }

  private static byte[] rampPng(int w, int h) throws Exception {
    java.awt.image.BufferedImage img =
        new java.awt.image.BufferedImage(w, h, java.awt.image.BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        img.setRGB(x, y, (40 + 200 * y / (h - 1)) << 16);
      }
    }
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    javax.imageio.ImageIO.write(img, "png", out);
    return out.toByteArray();
  }

  @Test
  void depthOrderedLikeInverseDepthStopsTheRunInsteadOfDeadLettering() throws Exception {
    // the stand-in depth model outputs red / 255 metres: images whose red rises towards the
    // bottom get depth that grows towards the bottom of the frame, the order of inverse depth
    ModelConfig cfg = PerceptionTestModels.config(dir, false);
    List<dev.spatialvqa.schemas.FetchedImage> batch = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      byte[] png = rampPng(32 + i, 24);
      batch.add(
          dev.spatialvqa.schemas.FetchedImage.newBuilder()
              .setUrl("http://x/" + i + ".png")
              .setContentHash(dev.spatialvqa.core.ids.ContentIds.sha256Hex(png))
              .setFormat("png")
              .setWidth(32 + i)
              .setHeight(24)
              .setBytes(java.nio.ByteBuffer.wrap(png))
              .setEventTime(1000L)
              .build());
    }
    try (Perceiver p =
        Perceiver.open(
            new Perceiver.Settings(cfg, ModelPool.Settings.cpu(), false, true, 60.0), List.of())) {
      DepthPlausibility.NotMetricDepth e =
          assertThrows(DepthPlausibility.NotMetricDepth.class, () -> p.process(batch));
      assertTrue(e.getMessage().contains("inverse (relative) depth"), e.getMessage());
    }
  }

  @Test
  void owlv2WithAFixedBatchOfOneRunsOneImagePerCall() throws Exception {
    Path tok =
        TestModels.copyResource("/all-minilm-l6-v2-q-tokenizer.json", dir.resolve("otok.json"));
    Path f = RegionsAndMasksTest.owlv2Graph(dir, 1);
    try (Owlv2Detector d =
        new Owlv2Detector(
            lease(ModelRole.DETECTOR, f, tok),
            new ModelConfig.DetectorSettings(List.of("chair", "table"), 0.2, 0.5, 20))) {
      assertEquals(1, d.maxImagesPerCall());
      List<List<Region>> r =
          d.propose(
              List.of(
                  PreprocessTest.solid(64, 64, 0),
                  PreprocessTest.solid(64, 64, 0),
                  PreprocessTest.solid(64, 64, 0)));
      assertEquals(3, r.size());
      assertEquals(r.get(0), r.get(2));
    }
  }

  @Test
  void aFourMaskOfficialDecoderGivesTheSingleMaskOutputNotTheBestIou() throws Exception {
    // exported without --return-single-mask: masks [1,4,H,W]; output 0 (SAM's single-mask token)
    // covers the image, outputs 1-3 are empty; output 2 has the best predicted IoU
    Path dec =
        OnnxGraph.create()
            .input("image_embeddings", OnnxGraph.FLOAT, 1, 256, 64, 64)
            .input("point_coords", OnnxGraph.FLOAT, 1, -1, 2)
            .input("point_labels", OnnxGraph.FLOAT, 1, -1)
            .input("mask_input", OnnxGraph.FLOAT, 1, 1, 256, 256)
            .input("has_mask_input", OnnxGraph.FLOAT, 1)
            .input("orig_im_size", OnnxGraph.FLOAT, 2)
            .floats("m4", new float[] {1f, -1f, -1f, -1f}, 1, 4, 1, 1)
            .longs("lead", new long[] {1, 4}, 2)
            .floats("iou", new float[] {0.1f, 0.2f, 0.9f, 0.3f}, 1, 4)
            .node("Cast", "orig_im_size", "hw", "to", (long) OnnxGraph.INT64)
            .node("Concat", new String[] {"lead", "hw"}, new String[] {"shape"}, "axis", 0L)
            .node("Expand", new String[] {"m4", "shape"}, new String[] {"masks"})
            .node("Identity", "iou", "iou_predictions")
            .output("masks", OnnxGraph.FLOAT, 1, 4, -1, -1)
            .output("iou_predictions", OnnxGraph.FLOAT, 1, 4)
            .write(dir.resolve("sam_decoder4.onnx"));
    try (SamSegmenter s =
        new SamSegmenter(
            lease(ModelRole.SAM_ENCODER, RegionsAndMasksTest.samEncoderGraph(dir), null),
            lease(ModelRole.SAM_DECODER, dec, null))) {
      SamSegmenter.Mask m =
          s.segment(PreprocessTest.solid(40, 30, 0), List.of(new Region(4, 4, 20, 20, "x", 1)))
              .get(0);
      assertEquals(4, m.outputs());
      assertEquals(0.1, m.iou(), 1e-6);
      assertEquals(40 * 30, dev.spatialvqa.core.lift.MaskBits.count(m.bits()));
    }
  }

  @Test
  void publicExportStandInsLoadForPerception() throws Exception {
    // the HF SAM split: encoder + decoder leased and run on a box
    try (SamSegmenter s =
        new SamSegmenter(
            lease(ModelRole.SAM_ENCODER, PublicExports.hfSamEncoder(dir), null),
            lease(ModelRole.SAM_DECODER, PublicExports.hfSamDecoder(dir), null))) {
      List<SamSegmenter.Mask> m =
          s.segment(PreprocessTest.solid(64, 48, 0), List.of(new Region(4, 4, 20, 20, "x", 1)));
      assertEquals(3, m.get(0).outputs()); // the three multi-mask outputs
      assertEquals(0, dev.spatialvqa.core.lift.MaskBits.count(m.get(0).bits())); // zero logits
    }
  }
}
