package dev.spatialvqa.transforms.dedupe;

import static dev.spatialvqa.transforms.dedupe.SceneFixtures.flip;
import static dev.spatialvqa.transforms.dedupe.SceneFixtures.scene;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spatialvqa.core.dedupe.ImageDedupeConfig;
import dev.spatialvqa.schemas.DuplicateRecord;
import dev.spatialvqa.schemas.PerceivedScene;
import dev.spatialvqa.transforms.errors.Ledger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.extensions.avro.coders.AvroCoder;
import org.apache.beam.sdk.metrics.MetricNameFilter;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.MetricsFilter;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.testing.TestPipelineExtension;
import org.apache.beam.sdk.testing.TestStream;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TimestampedValue;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.joda.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link DedupeScenes} on the DirectRunner: methods, TTL across days, CLIP, and the ledger. */
class DedupeScenesTest {
  @RegisterExtension
  final transient TestPipelineExtension pipeline = TestPipelineExtension.create();

  static final long DAY = 86_400_000L;
  static final long H_A = 0x0123_4567_89AB_CDEFL;
  static final long H_B = 0x7FED_CBA9_8765_4321L;

  static PCollection<String> ids(PCollectionTuple out) {
    return out.get(DedupeScenes.KEPT)
        .apply("KeptIds", MapElements.into(TypeDescriptors.strings()).via(s -> s.getSceneId()));
  }

  static PCollection<String> pairs(PCollectionTuple out) {
    return out.get(DedupeScenes.DUPLICATES)
        .apply(
            "Pairs",
            MapElements.into(TypeDescriptors.strings())
                .via(
                    (DuplicateRecord d) ->
                        d.getDroppedId() + "->" + d.getKeptId() + ":" + d.getMethod()));
  }

  /**
   * Re-crawls days apart in event time (a stream with the watermark moving between them): same
   * bytes and a near-identical hash within the 10-day TTL are caught, one after it is new again,
   * and a hash 12 bits away (a distinct image) is kept.
   */
  @Test
  void reCrawlsAcrossDaysWithinTheTtlAreCaughtAndLaterOnesAreNew(TestPipeline p) {
    ImageDedupeConfig cfg = ImageDedupeConfig.defaults().withTtl(Duration.ofDays(10));
    TestStream<PerceivedScene> s =
        TestStream.create(AvroCoder.specific(PerceivedScene.class))
            .addElements(
                TimestampedValue.of(scene("a", "sha-a", H_A, null), new Instant(0)),
                TimestampedValue.of(scene("b", "sha-b", H_B, null), new Instant(1)))
            .advanceWatermarkTo(new Instant(3 * DAY))
            .addElements(
                // same bytes, another id, 3 days later
                TimestampedValue.of(scene("a-mirror", "sha-a", H_A, null), new Instant(3 * DAY)),
                // re-encoded: 5 bits away, 4 days later
                TimestampedValue.of(
                    scene("a-recrawl", "sha-a2", flip(H_A, 5), null), new Instant(4 * DAY)),
                // 12 bits away: a distinct image
                TimestampedValue.of(
                    scene("a-other", "sha-a3", H_A ^ 0xFFF0_0000L, null), new Instant(4 * DAY + 1)))
            .advanceWatermarkTo(new Instant(15 * DAY))
            // 14 days after b: past the TTL, new again
            .addElements(
                TimestampedValue.of(
                    scene("b-late", "sha-b2", flip(H_B, 2), null), new Instant(15 * DAY)))
            .advanceWatermarkToInfinity();
    PCollectionTuple out = p.apply(s).apply(DedupeScenes.of(cfg));
    PAssert.that(ids(out)).containsInAnyOrder("a", "b", "a-other", "b-late");
    PAssert.that(pairs(out)).containsInAnyOrder("a-mirror->a:sha256", "a-recrawl->a:phash64");
    p.run().waitUntilFinish();
  }

  /**
   * Bounded input: every planted copy is caught, none of 50 distinct scenes is dropped, every input
   * is kept or recorded, and each duplicate is counted as filtered.duplicate_scene.
   */
  @Test
  void boundedPlantedCopiesAmongDistinctScenes(TestPipeline p) {
    SplittableRandom r = new SplittableRandom(7);
    List<PerceivedScene> in = new ArrayList<>();
    List<String> distinct = new ArrayList<>();
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      long h = r.nextLong();
      String id = String.format("s%03d", i);
      in.add(scene(id, "sha-" + i, h, null));
      distinct.add(id);
      if (i % 10 == 0) {
        in.add(
            scene(
                id + "-copy",
                "sha-copy-" + i,
                i % 20 == 0 ? h ^ 0x8040_2010_0804_0201L : flip(h, 2),
                null));
        expected.add(id + "-copy->" + id + ":phash64");
      }
    }
    // a scene without any signature is kept
    in.add(scene("unsigned", null, null, null));
    distinct.add("unsigned");
    PCollectionTuple out =
        p.apply(Create.of(in).withCoder(AvroCoder.specific(PerceivedScene.class)))
            .apply(DedupeScenes.of(ImageDedupeConfig.defaults()));
    PAssert.that(ids(out)).containsInAnyOrder(distinct);
    PAssert.that(pairs(out)).containsInAnyOrder(expected);
    PipelineResult res = p.run();
    res.waitUntilFinish();
    assertEquals(expected.size(), counter(res, Ledger.FILTERED + DedupeScenes.REASON));
    assertEquals(1, counter(res, "scene_dedupe_unsigned"));
    assertTrue(counter(res, "dedupe_state_added") >= 9L * 50, "one entry per band per kept");
  }

  /** With CLIP embeddings present, a copy whose hash moved too far is still caught by CLIP. */
  @Test
  void clipEmbeddingsCatchWhatTheHashMisses(TestPipeline p) {
    float[] e1 = unit(new SplittableRandom(1), 64, null, 0);
    float[] e1near = unit(new SplittableRandom(2), 64, e1, 0.05);
    float[] e2 = unit(new SplittableRandom(3), 64, null, 0);
    List<PerceivedScene> in =
        List.of(
            scene("c1", "sha-c1", H_A, e1),
            // hash 14 bits off (heavy crop), CLIP cosine ~0.999
            scene("c1-crop", "sha-c1b", flip(H_A, 14), e1near),
            scene("c2", "sha-c2", H_B, e2));
    PCollectionTuple out =
        p.apply(Create.of(in).withCoder(AvroCoder.specific(PerceivedScene.class)))
            .apply(DedupeScenes.of(ImageDedupeConfig.defaults()));
    PAssert.that(ids(out)).containsInAnyOrder("c1", "c2");
    PAssert.that(pairs(out)).containsInAnyOrder("c1-crop->c1:clip");
    p.run().waitUntilFinish();
  }

  static float[] unit(SplittableRandom r, int dim, float[] base, double noise) {
    float[] v = new float[dim];
    double n = 0;
    for (int i = 0; i < dim; i++) {
      double g =
          Math.sqrt(-2 * Math.log(1 - r.nextDouble())) * Math.cos(2 * Math.PI * r.nextDouble());
      v[i] = (float) (base == null ? g : base[i] + noise * g / Math.sqrt(dim));
      n += v[i] * v[i];
    }
    for (int i = 0; i < dim; i++) {
      v[i] /= (float) Math.sqrt(n);
    }
    return v;
  }

  static long counter(PipelineResult r, String name) {
    long n = 0;
    for (MetricResult<Long> m :
        r.metrics()
            .queryMetrics(
                MetricsFilter.builder()
                    .addNameFilter(MetricNameFilter.named(Ledger.NAMESPACE, name))
                    .build())
            .getCounters()) {
      n += m.getAttempted();
    }
    return n;
  }
}
