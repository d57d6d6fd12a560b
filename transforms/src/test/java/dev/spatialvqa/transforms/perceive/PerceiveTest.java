package dev.spatialvqa.transforms.perceive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spatialvqa.core.ids.ContentIds;
import dev.spatialvqa.core.lift.MaskBits;
import dev.spatialvqa.core.models.ModelConfig;
import dev.spatialvqa.core.models.ModelPool;
import dev.spatialvqa.core.models.ModelResolver;
import dev.spatialvqa.core.perceive.Batching;
import dev.spatialvqa.core.perceive.PerceptionTestModels;
import dev.spatialvqa.schemas.DeadLetter;
import dev.spatialvqa.schemas.FetchedImage;
import dev.spatialvqa.schemas.Intrinsics;
import dev.spatialvqa.schemas.IntrinsicsSource;
import dev.spatialvqa.schemas.PerceivedObject;
import dev.spatialvqa.schemas.PerceivedScene;
import dev.spatialvqa.transforms.errors.DeadLetters;
import dev.spatialvqa.transforms.errors.Ledger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.extensions.avro.coders.AvroCoder;
import org.apache.beam.sdk.metrics.MetricNameFilter;
import org.apache.beam.sdk.metrics.MetricQueryResults;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.MetricsFilter;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.testing.TestPipelineExtension;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.joda.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class PerceiveTest {
  @RegisterExtension
  final transient TestPipelineExtension pipeline = TestPipelineExtension.create();

  @TempDir Path dir;

  @AfterAll
  static void close() {
    ModelPool.closeAll();
  }

  static FetchedImage image(String url, byte[] bytes, int w, int h) {
    return FetchedImage.newBuilder()
        .setUrl(url)
        .setContentHash(ContentIds.sha256Hex(bytes))
        .setFormat("png")
        .setWidth(w)
        .setHeight(h)
        .setBytes(ByteBuffer.wrap(bytes))
        .setEventTime(1000L)
        .build();
  }

  /**
   * scene A (exif focal), scene B (given intrinsics), a blue non-scene, garbage, a poison image.
   */
  static List<FetchedImage> inputs() throws Exception {
    FetchedImage a = image("http://x/a.png", PerceptionTestModels.png(64, 48, 0xC81E1E), 64, 48);
    a.setFocalLength35mm(28.0);
    FetchedImage b = image("http://x/b.png", PerceptionTestModels.png(40, 40, 0xB42828), 40, 40);
    b.setIntrinsics(new Intrinsics(50.0, 50.0, 20.0, 20.0));
    b.setSceneId("scene-b");
    FetchedImage blue =
        image("http://x/blue.png", PerceptionTestModels.png(32, 32, 0x1E1EC8), 32, 32);
    FetchedImage junk = image("http://x/junk.png", "not an image at all".getBytes(), 10, 10);
    FetchedImage poison =
        image("http://x/poison.png", PerceptionTestModels.png(32, 32, 0xFF0000), 32, 32);
    return List.of(a, b, blue, junk, poison);
  }

  static long counter(PipelineResult r, String name) {
    MetricQueryResults q =
        r.metrics()
            .queryMetrics(
                MetricsFilter.builder()
                    .addNameFilter(MetricNameFilter.named(Ledger.NAMESPACE, name))
                    .build());
    long sum = 0;
    for (MetricResult<Long> c : q.getCounters()) {
      sum += c.getAttempted();
    }
    return sum;
  }

  @Test
  void perceivesScenesFiltersNonScenesAndDeadLettersOnlyThePoisonImage(TestPipeline p)
      throws Exception {
    ModelConfig cfg = PerceptionTestModels.config(dir);
    List<FetchedImage> in = inputs();
    String hashA = in.get(0).getContentHash();

    PCollectionTuple out =
        p.apply("Images", Create.of(in).withCoder(AvroCoder.specific(FetchedImage.class)))
            .apply(
                "Perceive",
                Perceive.with(cfg)
                    .withPool(ModelPool.Settings.cpu().withThreads(1, 1))
                    .withBatching(new Batching(8, java.time.Duration.ofSeconds(1), 1)));

    PAssert.that(out.get(Perceive.SCENES))
        .satisfies(
            scenes -> {
              Map<String, PerceivedScene> byId = new TreeMap<>();
              scenes.forEach(s -> byId.put(s.getSceneId(), s));
              assertEquals(
                  List.of(hashA, "scene-b").stream().sorted().toList(),
                  new ArrayList<>(byId.keySet()));

              PerceivedScene a = byId.get(hashA);
              assertEquals(64, a.getWidth());
              assertEquals(IntrinsicsSource.exif, a.getIntrinsicsSource());
              assertEquals(28 * 80 / Math.hypot(36, 24), a.getIntrinsics().getFx(), 1e-9);
              assertEquals(31.5, a.getIntrinsics().getCx(), 1e-12);
              ByteBuffer d = a.getDepthM().duplicate().order(ByteOrder.LITTLE_ENDIAN);
              assertEquals(4 * 64 * 48, d.remaining());
              assertEquals(200 / 255.0, d.getFloat(4 * (24 * 64 + 32)), 1e-4);
              List<PerceivedObject> objs = a.getObjects();
              assertEquals(
                  List.of("chair", "table"),
                  objs.stream().map(PerceivedObject::getCaption).toList());
              assertEquals(
                  List.of("0", "1"), objs.stream().map(PerceivedObject::getObjectId).toList());
              // chair: (0.25 +- 0.1) * 64 -> x, y in [9.6, 22.4]: SAM's box mask covers pixels
              // 10..22
              byte[] mask = objs.get(0).getMask().array();
              assertEquals(13 * 13, MaskBits.count(mask));
              assertTrue(MaskBits.get(mask, 10 * 64 + 10));
              assertEquals(
                  Map.of(
                      "scene_filter",
                      "clip_vision-tiny@",
                      "depth",
                      "depth-tiny@",
                      "regions",
                      "detector-tiny@",
                      "masks",
                      "sam_encoder-tiny@"),
                  prefixes(a.getProvenance().getModels()));
              assertEquals(1000L, a.getEventTime());

              PerceivedScene b = byId.get("scene-b");
              assertEquals(IntrinsicsSource.given, b.getIntrinsicsSource());
              assertEquals(50.0, b.getIntrinsics().getFx());
              return null;
            });
    PAssert.that(out.get(DeadLetters.TAG))
        .satisfies(
            dls -> {
              Map<String, String> reasons = new TreeMap<>();
              for (DeadLetter dl : dls) {
                reasons.put(dl.getInputRef().getUri(), dl.getReason());
                assertEquals("perception", dl.getStage());
                assertNotNull(dl.getInputRef().getContentHash());
              }
              assertEquals(
                  Map.of(
                      "http://x/junk.png",
                      "undecodable_image",
                      "http://x/poison.png",
                      "model_error"),
                  reasons);
              return null;
            });

    PipelineResult r = p.run();
    r.waitUntilFinish();
    assertEquals(1, counter(r, "filtered.not_a_scene"));
    assertEquals(1, counter(r, "dead.model_error"));
    assertEquals(5, counter(r, "perception.images"));
  }

  @Test
  void florence2RegionsCarryFreeTextCaptionsIntoObjectsWithMasks(TestPipeline p) throws Exception {
    // max_new_tokens 19: the red script's last box is complete, its </s> is cut off; decoded with
    // the KV cache (Florence2CaptionerTest checks it decodes as the whole prefix does)
    ModelConfig cfg =
        ModelConfig.parse(PerceptionTestModels.florence2ConfigJson(dir, 19, true), "florence2");
    List<FetchedImage> in = inputs().subList(0, 2);
    String hashA = in.get(0).getContentHash();

    PCollectionTuple out =
        p.apply("Images", Create.of(in).withCoder(AvroCoder.specific(FetchedImage.class)))
            .apply(
                "Perceive",
                Perceive.with(cfg)
                    .withSceneFilter(false)
                    .withPool(ModelPool.Settings.cpu().withThreads(1, 1))
                    .withBatching(new Batching(8, java.time.Duration.ofSeconds(1), 1)));

    PAssert.that(out.get(Perceive.SCENES))
        .satisfies(
            scenes -> {
              Map<String, PerceivedScene> byId = new TreeMap<>();
              scenes.forEach(s -> byId.put(s.getSceneId(), s));
              assertEquals(
                  List.of(hashA, "scene-b").stream().sorted().toList(),
                  new ArrayList<>(byId.keySet()));
              PerceivedScene a = byId.get(hashA);
              List<PerceivedObject> objs = a.getObjects();
              assertEquals(
                  List.of("red chair", "wooden table", "red chair"),
                  objs.stream().map(PerceivedObject::getCaption).toList());
              // "wooden table" <loc_0><loc_500><loc_250><loc_750> on 64x48: bin centres (b + 0.5) *
              // size / 1000
              List<Double> box = objs.get(1).getBox2dXyxy();
              assertEquals(0.5 * 0.064, box.get(0), 1e-9);
              assertEquals(500.5 * 0.048, box.get(1), 1e-9);
              assertEquals(250.5 * 0.064, box.get(2), 1e-9);
              assertEquals(750.5 * 0.048, box.get(3), 1e-9);
              assertEquals(1.0, objs.get(1).getScore());
              // SAM's box mask: columns 1..16, rows 25..36
              byte[] mask = objs.get(1).getMask().array();
              assertEquals(16 * 12, MaskBits.count(mask));
              assertTrue(MaskBits.get(mask, 25 * 64 + 1));
              assertEquals(25 * 38, MaskBits.count(objs.get(0).getMask().array()));
              Map<String, String> models = prefixes(a.getProvenance().getModels());
              assertEquals(
                  Map.of(
                      "depth",
                      "depth-tiny@",
                      "regions",
                      "florence2_vision_encoder-tiny@",
                      "masks",
                      "sam_encoder-tiny@"),
                  models);
              assertTrue(
                  a.getProvenance()
                      .getModels()
                      .get("regions")
                      .contains("+florence2_decoder-tiny@"));
              assertTrue(
                  a.getProvenance()
                      .getModels()
                      .get("regions")
                      .contains("+florence2_decoder_with_past-tiny@"));
              assertEquals("florence2", a.getProvenance().getSettings().get("regions_kind"));
              assertEquals(
                  "<DENSE_REGION_CAPTION>", a.getProvenance().getSettings().get("florence2_task"));
              return null;
            });
    PAssert.that(out.get(DeadLetters.TAG)).empty();

    PipelineResult r = p.run();
    r.waitUntilFinish();
    assertEquals(2, counter(r, "regions.florence2.truncated"));
    assertEquals(2, counter(r, "perception.images"));
  }

  @Test
  void florence2RolesMissingFromTheConfigFailAtStartUpNamingThem() throws Exception {
    String json = PerceptionTestModels.florence2ConfigJson(dir, 32);
    ModelConfig cfg = ModelConfig.parse(json, "f2");
    java.util.Map<dev.spatialvqa.core.models.ModelRole, dev.spatialvqa.core.models.ModelSpec>
        models = new java.util.EnumMap<>(cfg.models());
    models.remove(dev.spatialvqa.core.models.ModelRole.FLORENCE2_DECODER);
    ModelConfig lacking =
        new ModelConfig(
            models, cfg.cacheDir(), cfg.sceneFilter(), cfg.detector(), cfg.regions(), cfg.depth());
    dev.spatialvqa.core.models.ModelException e =
        assertThrows(
            dev.spatialvqa.core.models.ModelException.class,
            () ->
                dev.spatialvqa.core.perceive.Perceiver.open(
                    new dev.spatialvqa.core.perceive.Perceiver.Settings(
                        lacking, ModelPool.Settings.cpu(), false, true, 60.0),
                    List.of()));
    assertTrue(e.getMessage().contains("[florence2_decoder]"), e.getMessage());
  }

  private static Map<String, String> prefixes(Map<String, String> ids) {
    Map<String, String> m = new TreeMap<>();
    ids.forEach((k, v) -> m.put(k, v.substring(0, v.indexOf('@') + 1)));
    return m;
  }

  @Test
  void filterScenesKeepsScenesAndCountsTheRest(TestPipeline p) throws Exception {
    ModelConfig cfg = PerceptionTestModels.config(dir);
    PCollectionTuple out =
        p.apply("Images", Create.of(inputs()).withCoder(AvroCoder.specific(FetchedImage.class)))
            .apply(
                "FilterScenes",
                FilterScenes.with(cfg)
                    .withBatching(new Batching(2, java.time.Duration.ofSeconds(1), 3)));

    PAssert.that(
            out.get(FilterScenes.KEPT)
                .apply(
                    "Urls",
                    org.apache.beam.sdk.transforms.MapElements.into(
                            org.apache.beam.sdk.values.TypeDescriptors.strings())
                        .via(FetchedImage::getUrl)))
        .containsInAnyOrder("http://x/a.png", "http://x/b.png", "http://x/poison.png");
    PAssert.that(
            out.get(DeadLetters.TAG)
                .apply(
                    "Reasons",
                    org.apache.beam.sdk.transforms.MapElements.into(
                            org.apache.beam.sdk.values.TypeDescriptors.strings())
                        .via(DeadLetter::getReason)))
        .containsInAnyOrder("undecodable_image");
    PipelineResult r = p.run();
    r.waitUntilFinish();
    assertEquals(1, counter(r, "filtered.not_a_scene"));
  }

  @Test
  void aWrongSha256FailsAtStartUpNamingTheModel() throws Exception {
    String json = PerceptionTestModels.configJson(dir);
    Path depth = dir.resolve("depth.onnx");
    ModelConfig bad =
        ModelConfig.parse(json.replace(ModelResolver.sha256(depth), "0".repeat(64)), "bad");
    TestPipeline p = TestPipeline.create().enableAbandonedNodeEnforcement(false);
    p.apply("Images", Create.of(inputs()).withCoder(AvroCoder.specific(FetchedImage.class)))
        .apply(
            "Perceive",
            Perceive.with(bad).withBatching(new Batching(8, java.time.Duration.ofSeconds(1), 1)));

    Exception e = assertThrows(Exception.class, () -> p.run().waitUntilFinish());
    Throwable t = e;
    StringBuilder all = new StringBuilder();
    while (t != null) {
      all.append(t.getMessage()).append('\n');
      t = t.getCause();
    }
    assertTrue(
        all.toString().contains("model 'depth-tiny' (role depth): sha256 mismatch"),
        all.toString());
  }

  @Test
  void streamingPartialBatchIsFlushedAfterMaxBuffering(TestPipeline p) throws Exception {
    ModelConfig cfg = PerceptionTestModels.config(dir);
    List<FetchedImage> in = inputs();
    org.apache.beam.sdk.testing.TestStream<FetchedImage> stream =
        org.apache.beam.sdk.testing.TestStream.create(AvroCoder.specific(FetchedImage.class))
            .addElements(in.get(0))
            .advanceProcessingTime(Duration.standardSeconds(10))
            .addElements(in.get(1))
            .advanceProcessingTime(Duration.standardSeconds(10))
            .advanceWatermarkToInfinity();

    PCollectionTuple out =
        p.apply("Stream", stream)
            .apply(
                "Perceive",
                Perceive.with(cfg)
                    .withBatching(new Batching(8, java.time.Duration.ofSeconds(1), 1)));

    PAssert.that(
            out.get(Perceive.SCENES)
                .apply(
                    "Ids",
                    org.apache.beam.sdk.transforms.MapElements.into(
                            org.apache.beam.sdk.values.TypeDescriptors.strings())
                        .via(PerceivedScene::getSceneId)))
        .containsInAnyOrder(in.get(0).getContentHash(), "scene-b");
    PipelineResult r = p.run();
    r.waitUntilFinish();
    // batch size 8, one shard: only the 1 s max buffering can have split the two images
    assertEquals(2, counter(r, "perception.batches"));
  }
}
