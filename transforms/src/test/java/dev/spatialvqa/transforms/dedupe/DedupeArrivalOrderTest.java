package dev.spatialvqa.transforms.dedupe;

import static dev.spatialvqa.transforms.dedupe.DedupeEmbeddingsTest.FIXED;
import static dev.spatialvqa.transforms.dedupe.DedupeEmbeddingsTest.KEPT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spatialvqa.core.math.Vectors;
import dev.spatialvqa.schemas.DuplicateRecord;
import dev.spatialvqa.transforms.errors.Ledger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.testing.TestPipelineExtension;
import org.apache.beam.sdk.testing.TestStream;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.joda.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The verdicts must not depend on the order in which the runner delivers the elements. */
class DedupeArrivalOrderTest {
  static final int DIM = 32;
  static final int BASES = 40;

  @RegisterExtension
  final transient TestPipelineExtension pipeline = TestPipelineExtension.create();

  static float[] random(SplittableRandom rnd) {
    float[] v = new float[DIM];
    for (int d = 0; d < DIM; d++) {
      v[d] = (float) (rnd.nextDouble() * 2 - 1);
    }
    return Vectors.normalized(v);
  }

  /**
   * 40 random bases "bNN" (pairwise cosine far below 0.9) with 0-3 near-duplicates "bNN-dK" each
   * (cosine ~0.99).
   */
  static List<Embedded<String>> planted(List<String> bases, List<String> dups) {
    SplittableRandom rnd = new SplittableRandom(7);
    List<Embedded<String>> all = new ArrayList<>();
    for (int b = 0; b < BASES; b++) {
      String id = String.format("b%02d", b);
      float[] base = random(rnd);
      all.add(Embedded.of(id, base, id));
      bases.add(id);
      int k = b % 4;
      for (int d = 1; d <= k; d++) {
        float[] x = base.clone();
        for (int i = 0; i < DIM; i++) {
          x[i] += (float) (0.02 * (rnd.nextDouble() * 2 - 1));
        }
        String did = id + "-d" + d;
        all.add(Embedded.of(did, Vectors.normalized(x), did));
        dups.add(did);
      }
    }
    return all;
  }

  static PCollectionTuple dedupe(TestPipeline p, String name, List<Embedded<String>> in) {
    return p.apply(
            "Create" + name,
            Create.of(in).withCoder(Embedded.EmbeddedCoder.of(StringUtf8Coder.of())))
        .apply("Dedupe" + name, DedupeEmbeddings.of("caption", FIXED, StringUtf8Coder.of(), KEPT));
  }

  static PCollection<String> dropped(PCollectionTuple out, String name) {
    return out.get(DedupeEmbeddings.DUPLICATES)
        .apply(
            "Dropped" + name,
            MapElements.into(TypeDescriptors.strings()).via(DuplicateRecord::getDroppedId));
  }

  static PCollection<String> pairs(PCollectionTuple out, String name) {
    return out.get(DedupeEmbeddings.DUPLICATES)
        .apply(
            "Pairs" + name,
            MapElements.into(TypeDescriptors.strings())
                .via(
                    (DuplicateRecord d) ->
                        d.getDroppedId() + "->" + d.getKeptId() + ":" + d.getSimilarity()));
  }

  @Test
  void boundedInputInTwoArrivalOrdersGivesTheSameVerdictsAndFullRecall(TestPipeline p) {
    List<String> bases = new ArrayList<>();
    List<String> dups = new ArrayList<>();
    List<Embedded<String>> forward = planted(bases, dups);
    List<Embedded<String>> reversed = new ArrayList<>(forward);
    Collections.reverse(reversed);
    assertEquals(60, dups.size());

    PCollectionTuple a = dedupe(p, "Forward", forward);
    PCollectionTuple b = dedupe(p, "Reversed", reversed);

    PAssert.that("kept, forward", a.get(KEPT)).containsInAnyOrder(bases);
    PAssert.that("kept, reversed", b.get(KEPT)).containsInAnyOrder(bases);
    PAssert.that("dropped, forward", dropped(a, "Forward")).containsInAnyOrder(dups);
    PAssert.that("dropped, reversed", dropped(b, "Reversed")).containsInAnyOrder(dups);
    // the same (dropped, kept, similarity) records in both orders
    PCollection<String> both =
        PCollectionList.of(pairs(a, "Forward"))
            .and(pairs(b, "Reversed"))
            .apply("BothOrders", Flatten.pCollections());
    PAssert.that("identical duplicate records", both)
        .satisfies(
            ps -> {
              Map<String, Integer> n = new HashMap<>();
              ps.forEach(s -> n.merge(s, 1, Integer::sum));
              assertEquals(dups.size(), n.size(), "distinct records " + n.keySet());
              n.forEach((s, c) -> assertEquals(2, c, s + " in one order only"));
              return null;
            });
    PAssert.that("within cluster, above threshold", a.get(DedupeEmbeddings.DUPLICATES))
        .satisfies(
            ds -> {
              for (DuplicateRecord d : ds) {
                assertEquals(
                    d.getDroppedId().substring(0, 3), d.getKeptId().substring(0, 3), d.toString());
                assertTrue(d.getKeptId().compareTo(d.getDroppedId()) < 0, d.toString());
                assertTrue(d.getSimilarity() > FIXED.threshold(), d.toString());
              }
              return null;
            });
    PipelineResult r = p.run();
    r.waitUntilFinish();
    assertEquals(
        2L * dups.size(), DedupeEmbeddingsTest.counter(r, Ledger.NAMESPACE, "caption_duplicates"));
    assertEquals(
        2L * bases.size(),
        DedupeEmbeddingsTest.counter(r, Ledger.NAMESPACE, "caption_dedupe_kept"));
  }

  @Test
  void laterInOrderArrivingFirstIsDroppedWhileItsWindowIsOpen(TestPipeline p) {
    // a2 (t=2 s) arrives before a (t=1 s), both before the watermark passes the window's end
    TestStream<Embedded<String>> s =
        DedupeEmbeddingsTest.stream()
            .addElements(DedupeEmbeddingsTest.at(2, "a2", DedupeEmbeddingsTest.nearAxis(0)))
            .addElements(DedupeEmbeddingsTest.at(1, "a", DedupeEmbeddingsTest.axis(0)))
            .advanceWatermarkTo(new Instant(30_000))
            .addElements(DedupeEmbeddingsTest.at(3, "a3", DedupeEmbeddingsTest.nearAxis(0)))
            .advanceWatermarkToInfinity();

    PCollectionTuple out = DedupeEmbeddingsTest.dedupe(p, s, FIXED);

    PAssert.that(out.get(KEPT)).containsInAnyOrder("payload-a");
    // a3 (late, compared at once) may name a or a2 (identical vector, also earlier than a3)
    PAssert.that(DedupeEmbeddingsTest.pairs(out))
        .satisfies(
            ps -> {
              List<String> l = new ArrayList<>();
              ps.forEach(l::add);
              Collections.sort(l);
              assertEquals(2, l.size(), l.toString());
              assertEquals("a2->a:near_duplicate", l.get(0));
              assertTrue(l.get(1).startsWith("a3->a"), l.toString());
              return null;
            });
    p.run().waitUntilFinish();
  }
}
