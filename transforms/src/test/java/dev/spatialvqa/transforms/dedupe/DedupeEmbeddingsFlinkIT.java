package dev.spatialvqa.transforms.dedupe;

import static dev.spatialvqa.transforms.dedupe.DedupeEmbeddingsTest.FIXED;
import static dev.spatialvqa.transforms.dedupe.DedupeEmbeddingsTest.KEPT;
import static dev.spatialvqa.transforms.dedupe.DedupeEmbeddingsTest.at;
import static dev.spatialvqa.transforms.dedupe.DedupeEmbeddingsTest.axis;
import static dev.spatialvqa.transforms.dedupe.DedupeEmbeddingsTest.nearAxis;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.beam.runners.flink.FlinkPipelineOptions;
import org.apache.beam.runners.flink.TestFlinkRunner;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.testing.TestStream;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TimestampedValue;
import org.joda.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * The TestStream regimes of {@link DedupeEmbeddingsTest} on the Flink runner (embedded
 * mini-cluster, streaming). Parallelism 1 keeps arrival order, which decides which of two
 * near-duplicates is kept.
 */
class DedupeEmbeddingsFlinkIT {
  private static TestPipeline flink() {
    return flink(true);
  }

  private static TestPipeline flink(boolean streaming) {
    FlinkPipelineOptions o = PipelineOptionsFactory.create().as(FlinkPipelineOptions.class);
    o.setRunner(TestFlinkRunner.class);
    o.setFlinkMaster("[local]");
    o.setStreaming(streaming);
    o.setParallelism(1);
    o.setShutdownSourcesAfterIdleMs(0L);
    return TestPipeline.fromOptions(o).enableAbandonedNodeEnforcement(false);
  }

  /**
   * Same-window duplicate, across windows, and late within the allowed lateness. (The droppably
   * late and expiry regimes depend on when the watermark reaches the stateful steps relative to
   * later elements, which the Flink runner does not order; they are covered on the DirectRunner.)
   */
  @Test
  void sameWindowAcrossWindowsAndLateWithinLatenessOnFlink() {
    TestPipeline p = flink();
    TestStream<Embedded<String>> s =
        DedupeEmbeddingsTest.stream()
            .addElements(at(1, "a", axis(0)))
            .addElements(at(2, "a2", nearAxis(0)), at(3, "b", axis(5)))
            // window [0, 60 s) closes; its state lives until 90 s
            .advanceWatermarkTo(new Instant(75_000))
            .addElements(at(20, "b2", nearAxis(5)))
            // the next window: the same content is new there
            .addElements(at(80, "a3", nearAxis(0)))
            .advanceWatermarkToInfinity();

    PCollectionTuple out = DedupeEmbeddingsTest.dedupe(p, s, FIXED);

    PAssert.that(out.get(KEPT)).containsInAnyOrder("payload-a", "payload-b", "payload-a3");
    PAssert.that(DedupeEmbeddingsTest.pairs(out))
        .containsInAnyOrder("a2->a:near_duplicate", "b2->b:near_duplicate");
    p.run().waitUntilFinish();
  }

  /**
   * Bounded input on Flink's batch translation, timestamps 100 ms apart (base before its
   * near-duplicates), delivered forward and reversed: full recall, the same verdicts.
   */
  @Test
  void boundedInputInTwoArrivalOrdersOnFlinkBatch() {
    TestPipeline p = flink(false);
    List<String> bases = new ArrayList<>();
    List<String> dups = new ArrayList<>();
    List<Embedded<String>> planted = DedupeArrivalOrderTest.planted(bases, dups);
    List<TimestampedValue<Embedded<String>>> forward = new ArrayList<>();
    for (int i = 0; i < planted.size(); i++) {
      forward.add(TimestampedValue.of(planted.get(i), new Instant(i * 100L)));
    }
    List<TimestampedValue<Embedded<String>>> reversed = new ArrayList<>(forward);
    Collections.reverse(reversed);
    Coder<Embedded<String>> coder = Embedded.EmbeddedCoder.of(StringUtf8Coder.of());
    PCollectionTuple a =
        p.apply("CreateForward", Create.timestamped(forward).withCoder(coder))
            .apply(
                "DedupeForward", DedupeEmbeddings.of("caption", FIXED, StringUtf8Coder.of(), KEPT));
    PCollectionTuple b =
        p.apply("CreateReversed", Create.timestamped(reversed).withCoder(coder))
            .apply(
                "DedupeReversed",
                DedupeEmbeddings.of("caption", FIXED, StringUtf8Coder.of(), KEPT));

    PAssert.that("kept, forward", a.get(KEPT)).containsInAnyOrder(bases);
    PAssert.that("kept, reversed", b.get(KEPT)).containsInAnyOrder(bases);
    PAssert.that("dropped, forward", DedupeArrivalOrderTest.dropped(a, "Forward"))
        .containsInAnyOrder(dups);
    PAssert.that("dropped, reversed", DedupeArrivalOrderTest.dropped(b, "Reversed"))
        .containsInAnyOrder(dups);
    p.run().waitUntilFinish();
  }
}
