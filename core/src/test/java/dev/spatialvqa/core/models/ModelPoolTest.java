package dev.spatialvqa.core.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.NoBatchifyTranslator;
import ai.djl.translate.TranslatorContext;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelPoolTest {
  @TempDir Path dir;

  @AfterEach
  void close() {
    ModelPool.closeAll();
  }

  /** Feeds a constant image, returns image_embeds. */
  static final class ConstTranslator implements NoBatchifyTranslator<float[], float[]> {
    @Override
    public NDList processInput(TranslatorContext ctx, float[] rgb) {
      float[] px = new float[3 * 224 * 224];
      for (int c = 0; c < 3; c++) {
        java.util.Arrays.fill(px, c * 224 * 224, (c + 1) * 224 * 224, rgb[c]);
      }
      NDManager m = ctx.getNDManager();
      return new NDList(m.create(px, new Shape(1, 3, 224, 224)));
    }

    @Override
    public float[] processOutput(TranslatorContext ctx, NDList list) {
      return list.get(0).toFloatArray();
    }
  }

  @Test
  void loadsOncePerDeviceAndRunsPredictorsFromEveryLease() throws Exception {
    ModelSpec spec =
        TestModels.spec("clip-test", ModelRole.CLIP_VISION, TestModels.clipVision(dir));
    ModelPool pool = ModelPool.shared(ModelPool.Settings.cpu().withThreads(1, 1));
    ModelResolver resolver = new ModelResolver(dir.resolve("cache"), List.of());

    try (ModelPool.Lease a = pool.lease(spec, resolver);
        ModelPool.Lease b = pool.lease(spec, resolver);
        Predictor<float[], float[]> pa = a.newPredictor(new ConstTranslator());
        Predictor<float[], float[]> pb = b.newPredictor(new ConstTranslator())) {
      float[] ea = a.predict(pa, new float[] {1f, 2f, 3f});
      float[] eb = b.predict(pb, new float[] {4f, 5f, 6f});

      assertEquals(1, pool.loads());
      assertEquals(Map.of("cpu", 2), pool.leasesPerDevice());
      assertEquals(512, ea.length);
      assertArrayEquals(new float[] {1f, 2f, 3f, 1f}, java.util.Arrays.copyOf(ea, 4), 1e-5f);
      assertArrayEquals(new float[] {4f, 5f, 6f, 4f}, java.util.Arrays.copyOf(eb, 4), 1e-5f);
    }
    assertEquals(Map.of("cpu", 0), pool.leasesPerDevice());
  }

  @Test
  void contractMismatchNamesTheModelAndTheDifference() throws Exception {
    Path wrong =
        OnnxGraph.create()
            .input("pixels", OnnxGraph.FLOAT, -1, 3, 224, 224)
            .node("ReduceMean", "pixels", "image_embeds", "axes", new long[] {2, 3}, "keepdims", 0L)
            .output("image_embeds", OnnxGraph.FLOAT, -1, 3)
            .write(dir.resolve("wrong.onnx"));
    ModelSpec spec = TestModels.spec("not-clip", ModelRole.CLIP_VISION, wrong);
    ModelPool pool = ModelPool.shared(ModelPool.Settings.cpu());

    ModelException e =
        assertThrows(
            ModelException.class,
            () -> pool.lease(spec, new ModelResolver(dir.resolve("cache"), List.of())));

    String m = e.getMessage();
    assertTrue(m.contains("model 'not-clip'") && m.contains("clip_vision contract"), m);
    assertTrue(m.contains("missing input pixel_values float32[?,3,224,224]"), m);
    assertTrue(m.contains("unexpected input pixels"), m);
    assertTrue(m.contains("output image_embeds: shape [?,3] (expected [?,512])"), m);
    assertEquals(0, pool.loads());
  }

  @Test
  void dtypeMismatchIsReported() throws Exception {
    Path ints =
        OnnxGraph.create()
            .input("pixel_values", OnnxGraph.INT64, -1, 3, 224, 224)
            .node("Cast", "pixel_values", "f", "to", (long) OnnxGraph.FLOAT)
            .floats("w", new float[3 * 512], 3, 512)
            .node("ReduceMean", "f", "m", "axes", new long[] {2, 3}, "keepdims", 0L)
            .node("MatMul", new String[] {"m", "w"}, new String[] {"image_embeds"})
            .output("image_embeds", OnnxGraph.FLOAT, -1, 512)
            .write(dir.resolve("ints.onnx"));
    ModelSpec spec = TestModels.spec("int-clip", ModelRole.CLIP_VISION, ints);

    ModelException e = assertThrows(ModelException.class, () -> SignatureReader.check(spec, ints));

    assertTrue(
        e.getMessage().contains("input pixel_values: dtype int64 (expected float32)"),
        e.getMessage());
  }

  @Test
  void intraOpThreadsDefaultToCoresPerConcurrentCall() {
    ModelPool.Settings d = ModelPool.Settings.cpu(); // 2 concurrent calls per device
    assertEquals(4, d.intraOpThreadsFor(8));
    assertEquals(1, d.intraOpThreadsFor(2));
    assertEquals(1, d.intraOpThreadsFor(1));
    assertEquals(2, d.withMaxConcurrentPerDevice(1).intraOpThreadsFor(2));
    assertEquals(3, d.withThreads(0, 3).intraOpThreadsFor(8));
    assertEquals(false, d.spinWait());
    assertEquals(true, d.withSpinWait(true).spinWait());
    assertEquals(3, d.withThreads(0, 3).withSpinWait(true).intraOpThreads());
  }

  @Test
  void modelsLoadWithTheSettingsSessionOptions() throws Exception {
    // spin-waiting on and off, explicit and default threads: each loads and runs
    for (ModelPool.Settings s :
        List.of(
            ModelPool.Settings.cpu(),
            ModelPool.Settings.cpu().withSpinWait(true),
            ModelPool.Settings.cpu().withThreads(1, 2))) {
      try (var o = s.sessionOptions()) {
        assertEquals(
            s.spinWait() ? "1" : "0", o.getConfigEntries().get("session.intra_op.allow_spinning"));
      }
      ModelPool pool = ModelPool.shared(s);
      try (ModelPool.Lease l =
              pool.lease(
                  TestModels.spec("clip", ModelRole.CLIP_VISION, TestModels.clipVision(dir)),
                  new ModelResolver(dir, List.of()));
          Predictor<float[], float[]> p = l.newPredictor(new ConstTranslator())) {
        assertEquals(512, l.predict(p, new float[] {0.5f, 0.2f, 0.1f}).length);
      }
    }
  }

  @Test
  void settingsValidateDevicesAndThreads() {
    assertThrows(
        IllegalArgumentException.class,
        () -> new ModelPool.Settings(List.of("tpu"), 1, ModelPool.Placement.ROUND_ROBIN, 0, 0));
    assertThrows(
        IllegalArgumentException.class,
        () -> new ModelPool.Settings(List.of("cpu"), 0, ModelPool.Placement.ROUND_ROBIN, 0, 0));
    assertEquals(ai.djl.Device.gpu(1), ModelPool.parseDevice("cuda:1"));
    assertEquals(ai.djl.Device.gpu(0), ModelPool.parseDevice("0"));
  }

  @Test
  void placementIsRoundRobinOrLeastLoaded() {
    ModelPool rr =
        ModelPool.shared(
            new ModelPool.Settings(
                List.of("cpu", "gpu:0", "gpu:1"), 1, ModelPool.Placement.ROUND_ROBIN, 0, 0));
    assertEquals(
        List.of("cpu", "gpu:0", "gpu:1", "cpu"),
        List.of(rr.place(), rr.place(), rr.place(), rr.place()));

    ModelPool ll =
        ModelPool.shared(
            new ModelPool.Settings(
                List.of("cpu", "gpu:0"), 1, ModelPool.Placement.LEAST_LOADED, 0, 0));
    assertEquals("cpu", ll.place());
    ll.countLease("cpu");
    assertEquals("gpu:0", ll.place());
    ll.countLease("gpu:0");
    ll.countLease("gpu:0");
    assertEquals("cpu", ll.place());
  }
}
