package dev.spatialvqa.transforms.dedupe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spatialvqa.core.dedupe.DedupeConfig;
import dev.spatialvqa.core.math.Vectors;
import dev.spatialvqa.schemas.DuplicateRecord;
import dev.spatialvqa.transforms.errors.Ledger;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.metrics.MetricNameFilter;
import org.apache.beam.sdk.metrics.MetricQueryResults;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.MetricsFilter;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.testing.TestPipelineExtension;
import org.apache.beam.sdk.testing.TestStream;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TimestampedValue;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.joda.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** TestStream scenarios, named after their regime, on the DirectRunner. */
class DedupeEmbeddingsTest {
  static final int DIM = 16;
  static final TupleTag<String> KEPT = new TupleTag<String>("kept") {};

  /** Fixed 1-minute windows, 30 s allowed lateness. */
  static final DedupeConfig FIXED =
      DedupeConfig.defaults()
          .withThreshold(0.9)
          .withFixedWindow(java.time.Duration.ofMinutes(1))
          .withAllowedLateness(java.time.Duration.ofSeconds(30));

  static final DedupeConfig SLIDING = FIXED.withSlidingWindow(java.time.Duration.ofMinutes(1));

  @RegisterExtension
  final transient TestPipelineExtension pipeline = TestPipelineExtension.create();

  static float[] axis(int i) {
    float[] v = new float[DIM];
    v[i] = 1;
    return v;
  }

  /** Cosine ~0.98 to axis(i). */
  static float[] nearAxis(int i) {
    float[] v = axis(i);
    v[(i + 1) % DIM] = 0.2f;
    return Vectors.normalized(v);
  }

  static TimestampedValue<Embedded<String>> at(long seconds, String id, float[] v) {
    return TimestampedValue.of(Embedded.of(id, v, "payload-" + id), new Instant(seconds * 1000));
  }

  /**
   * Each addElements is processed after the previous one (the DirectRunner waits for quiescence).
   */
  static TestStream.Builder<Embedded<String>> stream() {
    return TestStream.create(Embedded.EmbeddedCoder.of(StringUtf8Coder.of()))
        .advanceWatermarkTo(new Instant(0));
  }

  static PCollectionTuple dedupe(TestPipeline p, TestStream<Embedded<String>> s, DedupeConfig c) {
    return p.apply("Events", s)
        .apply(
            "Dedupe",
            DedupeEmbeddings.of("caption", c, StringUtf8Coder.of(), KEPT).withEmbedderId("test"));
  }

  static PCollection<String> pairs(PCollectionTuple out) {
    return out.get(DedupeEmbeddings.DUPLICATES)
        .apply(
            "Pairs",
            MapElements.into(TypeDescriptors.strings())
                .via(
                    (DuplicateRecord d) ->
                        d.getDroppedId() + "->" + d.getKeptId() + ":" + d.getReason()));
  }

  static long counter(PipelineResult r, String namespace, String name) {
    MetricQueryResults q =
        r.metrics()
            .queryMetrics(
                MetricsFilter.builder()
                    .addNameFilter(MetricNameFilter.named(namespace, name))
                    .build());
    long sum = 0;
    for (MetricResult<Long> c : q.getCounters()) {
      sum += c.getAttempted();
    }
    return sum;
  }

  @Test
  void duplicateInSameWindowIsDroppedWithItsPair(TestPipeline p) {
    TestStream<Embedded<String>> s =
        stream()
            .addElements(at(1, "a", axis(0)))
            .addElements(at(2, "a2", nearAxis(0)), at(3, "b", axis(5)))
            .addElements(at(4, "a", axis(0)))
            .advanceWatermarkToInfinity();

    PCollectionTuple out = dedupe(p, s, FIXED);

    PAssert.that(out.get(KEPT)).containsInAnyOrder("payload-a", "payload-b");
    PAssert.that(pairs(out)).containsInAnyOrder("a2->a:near_duplicate", "a->a:repeated_id");
    PAssert.that(out.get(DedupeEmbeddings.DUPLICATES))
        .satisfies(
            ds -> {
              for (DuplicateRecord d : ds) {
                assertEquals(0L, d.getWindowStart());
                assertEquals(60_000L, d.getWindowEnd());
                assertTrue(d.getSimilarity() > 0.9, "similarity " + d.getSimilarity());
                assertEquals("caption", d.getKind());
              }
              return null;
            });
    PipelineResult r = p.run();
    r.waitUntilFinish();
    assertEquals(2, counter(r, Ledger.NAMESPACE, "caption_duplicates"));
    assertEquals(2, counter(r, Ledger.NAMESPACE, "caption_dedupe_kept"));
  }

  @Test
  void duplicateAcrossFixedWindowsIsKept(TestPipeline p) {
    TestStream<Embedded<String>> s =
        stream()
            .addElements(at(50, "a", axis(0)))
            .advanceWatermarkTo(new Instant(61_000))
            .addElements(at(70, "a2", nearAxis(0)))
            .advanceWatermarkToInfinity();

    PCollectionTuple out = dedupe(p, s, FIXED);

    PAssert.that(out.get(KEPT)).containsInAnyOrder("payload-a", "payload-a2");
    PAssert.that(out.get(DedupeEmbeddings.DUPLICATES)).empty();
    p.run().waitUntilFinish();
  }

  @Test
  void duplicateAcrossFixedWindowBoundaryIsCaughtBySlidingLookback(TestPipeline p) {
    TestStream<Embedded<String>> s =
        stream()
            .addElements(at(50, "a", axis(0)))
            .advanceWatermarkTo(new Instant(61_000))
            .addElements(at(70, "a2", nearAxis(0)))
            .addElements(at(200, "a3", nearAxis(0)))
            .advanceWatermarkToInfinity();

    PCollectionTuple out = dedupe(p, s, SLIDING);

    PAssert.that(out.get(KEPT)).containsInAnyOrder("payload-a", "payload-a3");
    PAssert.that(pairs(out)).containsInAnyOrder("a2->a:near_duplicate");
    PAssert.that(out.get(DedupeEmbeddings.DUPLICATES))
        .satisfies(
            ds -> {
              for (DuplicateRecord d : ds) {
                assertEquals(null, d.getWindowStart());
              }
              return null;
            });
    p.run().waitUntilFinish();
  }

  @Test
  void lateWithinAllowedLatenessIsStillCompared(TestPipeline p) {
    TestStream<Embedded<String>> s =
        stream()
            .addElements(at(10, "a", axis(0)))
            .advanceWatermarkTo(new Instant(75_000)) // window [0, 60s) closed, lateness 30 s
            .addElements(at(20, "a2", nearAxis(0)), at(30, "c", axis(7)))
            .advanceWatermarkToInfinity();

    PCollectionTuple out = dedupe(p, s, FIXED);

    PAssert.that(out.get(KEPT)).containsInAnyOrder("payload-a", "payload-c");
    PAssert.that(pairs(out)).containsInAnyOrder("a2->a:near_duplicate");
    p.run().waitUntilFinish();
  }

  @Test
  void droppablyLateIsKeptUncheckedAndCounted(TestPipeline p) {
    TestStream<Embedded<String>> s =
        stream()
            .addElements(at(10, "a", axis(0)))
            .advanceWatermarkTo(new Instant(120_000)) // past window end + lateness (90 s)
            .addElements(at(20, "late", nearAxis(0)))
            .advanceWatermarkToInfinity();

    PCollectionTuple out = dedupe(p, s, FIXED);

    // the window's state is gone: the late near-duplicate cannot be compared, and is not lost
    PAssert.that(out.get(KEPT)).containsInAnyOrder("payload-a", "payload-late");
    PAssert.that(out.get(DedupeEmbeddings.DUPLICATES)).empty();
    PipelineResult r = p.run();
    r.waitUntilFinish();
    assertEquals(2, counter(r, Ledger.NAMESPACE, "caption_dedupe_kept"));
    assertEquals(1, counter(r, Ledger.NAMESPACE, "caption_dedupe_too_late"));
  }

  @Test
  void expiryClearsStateSoALaterNearDuplicateIsKept(TestPipeline p) {
    // sliding: a's state expires at 10 s + 60 s + 30 s; a2 at 65 s is within a's look-back but
    // arrives after the expiry fired, so it is compared with nothing and kept
    TestStream<Embedded<String>> s =
        stream()
            .addElements(at(10, "a", axis(0)))
            .advanceWatermarkTo(new Instant(101_000))
            .addElements(at(65, "a2", nearAxis(0)))
            .advanceWatermarkToInfinity();

    PCollectionTuple out = dedupe(p, s, SLIDING);

    PAssert.that(out.get(KEPT)).containsInAnyOrder("payload-a", "payload-a2");
    PAssert.that(out.get(DedupeEmbeddings.DUPLICATES)).empty();
    PipelineResult r = p.run();
    r.waitUntilFinish();
    assertTrue(
        counter(r, Ledger.NAMESPACE, "dedupe_state_expired") >= FIXED.bands(),
        "every band key of 'a' expired");
  }
}
