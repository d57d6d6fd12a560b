package dev.spatialvqa.pipelines.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spatialvqa.core.ids.ContentIds;
import dev.spatialvqa.core.models.ModelPool;
import dev.spatialvqa.core.perceive.Batching;
import dev.spatialvqa.core.perceive.PerceptionTestModels;
import dev.spatialvqa.pipelines.options.PerceptionSettings;
import dev.spatialvqa.schemas.DeadLetter;
import dev.spatialvqa.schemas.IntrinsicsSource;
import dev.spatialvqa.schemas.PerceivedScene;
import dev.spatialvqa.transforms.errors.DeadLetterCollector;
import dev.spatialvqa.transforms.load.ReadManifest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.testing.TestPipelineExtension;
import org.apache.beam.sdk.values.PCollection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The manifest entry with perception: the bundled scenes plus an image-only line (a real SUN RGB-D
 * photo) through the job's LoadScenes + Perceive seam, with tiny models that have the real exports'
 * contracts. The image-only line becomes a perceived scene (into the shared lift/QA path) instead
 * of a missing_model dead letter.
 */
class PerceptionJobTest {
  @RegisterExtension
  final transient TestPipelineExtension pipeline = TestPipelineExtension.create();

  @AfterAll
  static void close() {
    ModelPool.closeAll();
  }

  @Test
  void imageOnlyLineIsPerceivedIntoTheSharedPath(TestPipeline p, @TempDir Path dir)
      throws Exception {
    Path manifest = Fixtures.manifestWithBadLines(dir);
    PerceptionSettings perception =
        new PerceptionSettings(
            PerceptionTestModels.config(dir, false),
            ModelPool.Settings.cpu().withThreads(1, 1),
            new Batching(4, Duration.ofHours(1), 2),
            false,
            60.0);
    DeadLetterCollector dead = new DeadLetterCollector();

    PCollection<PerceivedScene> scenes =
        SpatialVqaPipeline.loadAndPerceive(
            p.apply("Read", ReadManifest.from(manifest.toString())),
            SpatialVqaPipeline.Config.defaults().withPerception(perception),
            dead);

    PAssert.that(scenes)
        .satisfies(
            all -> {
              TreeSet<String> ids = new TreeSet<>();
              for (PerceivedScene s : all) {
                ids.add(s.getSceneId().substring(s.getSceneId().lastIndexOf('/') + 1));
                if (s.getSceneId().equals("image-only")) {
                  assertEquals(IntrinsicsSource.default_fov, s.getIntrinsicsSource());
                  assertEquals(4L * s.getWidth() * s.getHeight(), s.getDepthM().remaining());
                  assertEquals(
                      List.of("chair", "table"),
                      s.getObjects().stream().map(o -> o.getCaption()).toList());
                  assertTrue(s.getObjects().stream().allMatch(o -> o.getMask() != null));
                  assertEquals(
                      "depth-tiny@", s.getProvenance().getModels().get("depth").substring(0, 11));
                }
              }
              assertEquals(
                  new TreeSet<>(List.of("image-only", "sunrgbd-000001", "sunrgbd-000002")), ids);
              return null;
            });
    PAssert.that(dead.flattened())
        .satisfies(
            dls -> {
              Map<String, String> reasons = new HashMap<>();
              for (DeadLetter d : dls) {
                reasons.put(String.valueOf(d.getInputRef().getSceneId()), d.getReason());
              }
              assertEquals(Map.of("null", "malformed_json", "gone", "missing_file"), reasons);
              return null;
            });

    p.run().waitUntilFinish();
  }

  @Test
  void wholeJobWithPerceptionBalancesTheLedger(TestPipeline p, @TempDir Path dir) throws Exception {
    Path manifest = Fixtures.manifestWithBadLines(dir);
    PerceptionSettings perception =
        new PerceptionSettings(
            PerceptionTestModels.config(dir, false),
            ModelPool.Settings.cpu().withThreads(1, 1),
            new Batching(4, Duration.ofHours(1), 2),
            false,
            60.0);

    SpatialVqaPipeline.Outputs out =
        SpatialVqaPipeline.process(
            new SpatialVqaPipeline.Inputs(p.apply("Read", ReadManifest.from(manifest.toString()))),
            SpatialVqaPipeline.Config.defaults().withPerception(perception));

    PAssert.that(
            out.scenes()
                .apply(
                    "SceneIds",
                    org.apache.beam.sdk.transforms.MapElements.into(
                            org.apache.beam.sdk.values.TypeDescriptors.strings())
                        .via(s -> s.getSceneId())))
        .containsInAnyOrder("image-only", "sunrgbd-000001", "sunrgbd-000002");
    org.apache.beam.sdk.PipelineResult result = p.run();
    result.waitUntilFinish();
    dev.spatialvqa.transforms.errors.RunLedger ledger =
        dev.spatialvqa.transforms.errors.RunLedger.of(result, "scenes");
    assertEquals(5, ledger.inputs(), ledger.toJson());
    assertEquals(3, ledger.finished(), ledger.toJson());
    assertTrue(ledger.balanced(), ledger.balanceLine());
  }

  @Test
  void imageStreamInputIsPerceivedIntoScenes(TestPipeline p, @TempDir Path dir) throws Exception {
    byte[] jpeg =
        java.nio.file.Files.readAllBytes(Fixtures.bundledDir().resolve("sunrgbd-000002/image.jpg"));
    dev.spatialvqa.schemas.FetchedImage img =
        dev.spatialvqa.schemas.FetchedImage.newBuilder()
            .setUrl("http://127.0.0.1/room.jpg")
            .setContentHash(ContentIds.sha256Hex(jpeg))
            .setFormat("jpeg")
            .setWidth(730)
            .setHeight(530)
            .setBytes(java.nio.ByteBuffer.wrap(jpeg))
            .setFocalLength35mm(28.0)
            .build();
    PerceptionSettings perception =
        new PerceptionSettings(
            PerceptionTestModels.config(dir, false),
            ModelPool.Settings.cpu().withThreads(1, 1),
            new Batching(4, Duration.ofSeconds(1), 2),
            false,
            60.0);

    SpatialVqaPipeline.Outputs out =
        SpatialVqaPipeline.process(
            new SpatialVqaPipeline.Inputs(
                null,
                p.apply(
                    "Images",
                    org.apache.beam.sdk.transforms.Create.of(img)
                        .withCoder(
                            org.apache.beam.sdk.extensions.avro.coders.AvroCoder.specific(
                                dev.spatialvqa.schemas.FetchedImage.class))),
                null),
            SpatialVqaPipeline.Config.defaults().withPerception(perception));

    PAssert.that(out.scenes())
        .satisfies(
            all -> {
              List<String> ids = new ArrayList<>();
              all.forEach(
                  s -> {
                    ids.add(s.getSceneId());
                    assertEquals("exif", s.getIntrinsicsSource().toString());
                    assertEquals(730, s.getImageWidth());
                  });
              assertEquals(List.of(img.getContentHash()), ids);
              return null;
            });
    PAssert.that(out.deadLetters()).empty();
    p.run().waitUntilFinish();
  }

  @Test
  void imageStreamWithoutModelsStopsAtStartUp() {
    dev.spatialvqa.pipelines.options.SpatialVqaOptions o =
        org.apache.beam.sdk.options.PipelineOptionsFactory.fromArgs(
                "--input=urls:/data/crawl.jsonl", "--output=/tmp/x")
            .as(dev.spatialvqa.pipelines.options.SpatialVqaOptions.class);
    IllegalArgumentException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            IllegalArgumentException.class, () -> SpatialVqaPipeline.checkRunnable(o));
    assertTrue(
        e.getMessage().contains("input urls:/data/crawl.jsonl needs perception"), e.getMessage());
    assertTrue(
        e.getMessage().contains("[clip_vision, clip_text, depth, detector]"), e.getMessage());
    assertTrue(e.getMessage().contains("--until=fetch"), e.getMessage());
  }

  @Test
  void missingModelsAreNamedWithHowToSupplyThem() {
    PerceptionSettings none =
        new PerceptionSettings(null, ModelPool.Settings.cpu(), Batching.defaults(), true, 60.0);
    assertEquals(
        java.util.List.of("clip_vision", "clip_text", "depth", "detector"),
        SpatialVqaPipeline.Config.defaults().withPerception(none).missingModels());
    IllegalArgumentException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            IllegalArgumentException.class, () -> none.requireModels("urls:crawl.jsonl"));
    assertTrue(e.getMessage().contains("input urls:crawl.jsonl needs perception"), e.getMessage());
    assertTrue(
        e.getMessage().contains("[clip_vision, clip_text, depth, detector]"), e.getMessage());
    assertTrue(e.getMessage().contains("--models=CONFIG.json"), e.getMessage());
    PerceptionSettings noFilter =
        new PerceptionSettings(null, ModelPool.Settings.cpu(), Batching.defaults(), false, 60.0);
    assertEquals(
        java.util.List.of("depth", "detector"),
        noFilter.missing().stream().map(r -> r.key()).toList());
  }
}
