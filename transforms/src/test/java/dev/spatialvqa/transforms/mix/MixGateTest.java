package dev.spatialvqa.transforms.mix;

import static dev.spatialvqa.transforms.mix.MixFixtures.GENERAL;
import static dev.spatialvqa.transforms.mix.MixFixtures.IMAGE_TOKENS;
import static dev.spatialvqa.transforms.mix.MixFixtures.QA;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spatialvqa.core.mix.Admission;
import dev.spatialvqa.core.mix.ExportLayout;
import dev.spatialvqa.core.mix.ShareRatio;
import dev.spatialvqa.schemas.DeadLetter;
import dev.spatialvqa.schemas.MixAccounting;
import dev.spatialvqa.schemas.QaRecord;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.extensions.avro.coders.AvroCoder;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.testing.TestPipelineExtension;
import org.apache.beam.sdk.testing.TestStream;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TimestampedValue;
import org.apache.beam.sdk.values.TupleTagList;
import org.joda.time.Duration;
import org.joda.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class MixGateTest {
  @RegisterExtension
  final transient TestPipelineExtension pipeline = TestPipelineExtension.create();

  static final ShareRatio SHARE = ShareRatio.of(1, 20);
  static final int QA_PER_WINDOW = 25;
  static final long[] GENERAL_PER_WINDOW = {200_000, 100_000, 400_000};
  static final int MAX_DEFERRED = 20;

  static Instant at(long seconds) {
    return new Instant(seconds * 1000);
  }

  /**
   * Three one-minute windows with more spatial QA than the share allows: QA wait, overflow the cap
   * into the reserve, and the last window's leftovers are handed to the reserve at end of input.
   * Elements arrive in shuffled order inside each window.
   */
  static TestStream<String> oversupply() {
    TestStream.Builder<String> b = TestStream.create(StringUtf8Coder.of());
    for (int w = 0; w < GENERAL_PER_WINDOW.length; w++) {
      List<TimestampedValue<String>> events = new ArrayList<>();
      for (int i = 0; i < QA_PER_WINDOW; i++) {
        int id = w * QA_PER_WINDOW + i;
        events.add(TimestampedValue.of("qa:" + id, at(w * 60L + 1 + (i % 50))));
      }
      for (int k = 0; k < 4; k++) {
        events.add(
            TimestampedValue.of(
                MixFixtures.general(GENERAL_PER_WINDOW[w] / 4), at(w * 60L + 5 + k)));
      }
      java.util.Collections.shuffle(events, new java.util.Random(w));
      b =
          b.addElements(
              events.get(0), events.subList(1, events.size()).toArray(new TimestampedValue[0]));
      b = b.advanceWatermarkTo(at(w * 60L + 60));
    }
    return b.advanceWatermarkToInfinity();
  }

  static int oversupplyQaCount() {
    return QA_PER_WINDOW * GENERAL_PER_WINDOW.length;
  }

  static MixGate.Result gate(
      org.apache.beam.sdk.Pipeline p, TestStream<String> stream, MixGate gate) {
    return gate(p, "", stream, gate);
  }

  static MixGate.Result gate(
      org.apache.beam.sdk.Pipeline p, String prefix, TestStream<String> stream, MixGate gate) {
    PCollectionTuple split =
        p.apply(prefix + "Events", stream)
            .apply(
                prefix + "Split",
                ParDo.of(new MixFixtures.Split()).withOutputTags(QA, TupleTagList.of(GENERAL)));
    PCollection<QaRecord> qa = split.get(QA).setCoder(AvroCoder.specific(QaRecord.class));
    PCollection<String> general = split.get(GENERAL).setCoder(StringUtf8Coder.of());
    return qa.apply(prefix + "MixGate", gate.withGeneralMix(general));
  }

  static MixGate oversupplyGate() {
    return MixGate.create()
        .withSpatialShare(SHARE)
        .withWindowSize(Duration.standardMinutes(1))
        .withMaxDeferred(MAX_DEFERRED)
        .withTokenizer(TokenizerSpec.defaults().withImageTokens(IMAGE_TOKENS))
        .withLayout(ExportLayout.PER_QA);
  }

  /** Asserts the invariants of the oversupply scenario on the gate's outputs. */
  static void assertOversupply(MixGate.Result r) {
    int n = oversupplyQaCount();
    long total = 0, max = 0;
    for (int i = 0; i < n; i++) {
      total += MixFixtures.turnTokens(MixFixtures.qa(i));
      max = Math.max(max, MixFixtures.tokens(MixFixtures.qa(i)));
    }
    final long producedTokens = total;
    final long maxQa = max;
    PAssert.that(r.accounting())
        .satisfies(
            recs -> {
              MixFixtures.checkInvariants(recs, SHARE, maxQa, n, producedTokens);
              long windows = 0, reservedByCap = 0;
              for (MixAccounting m : recs) {
                if ("window".equals(m.getRecordKind())) {
                  windows++;
                  reservedByCap += m.getQaReserved();
                  assertTrue(m.getGated());
                  assertEquals(0.05, m.getTargetShare(), 0.0);
                  assertEquals("1/20", m.getTargetShareExact());
                  assertTrue(m.getTokenizer().startsWith("all-minilm-l6-v2-q-tokenizer.json@"));
                  assertEquals(IMAGE_TOKENS, m.getImageTokensPerConversation());
                  assertEquals("per_qa", m.getLayout());
                  assertEquals(m.getQaAdmitted(), m.getConversationsOpened());
                  assertTrue(m.getAchievedShare() <= 0.05);
                  assertEquals(0, m.getGeneralTokensNeeded());
                }
              }
              assertEquals(3, windows, "one record per window");
              assertTrue(reservedByCap > 0, "the scenario overflows the deferral cap");
              return null;
            });
    // admitted and reserve are disjoint and together hold every QA produced
    PAssert.that(r.admitted())
        .satisfies(
            admitted -> {
              Set<String> ids = new HashSet<>();
              admitted.forEach(
                  q -> assertTrue(ids.add(q.getQaId()), "admitted twice " + q.getQaId()));
              assertTrue(ids.size() > 0 && ids.size() < n);
              return null;
            });
    PCollection<QaRecord> all =
        org.apache.beam.sdk.values.PCollectionList.of(r.admitted())
            .and(r.reserve())
            .apply("AllOut", org.apache.beam.sdk.transforms.Flatten.pCollections());
    PAssert.that(all)
        .satisfies(
            out -> {
              List<String> ids = new ArrayList<>();
              out.forEach(q -> ids.add(q.getQaId()));
              ids.sort(null);
              List<String> expected =
                  IntStream.range(0, n)
                      .mapToObj(i -> MixFixtures.qa(i).getQaId())
                      .collect(Collectors.toList());
              assertEquals(expected, ids);
              return null;
            });
    PAssert.that(r.deadLetters()).empty();
  }

  @Test
  void oversupplyHoldsTheShareInEveryWindowAndConserves(TestPipeline p) {
    assertOversupply(gate(p, oversupply(), oversupplyGate()));
    p.run().waitUntilFinish();
  }

  @Test
  void withoutGeneralMixAdmitsEverythingInOneWindowAndSaysWhatIsNeeded(TestPipeline p) {
    List<QaRecord> qa =
        IntStream.range(0, 12).mapToObj(MixFixtures::qa).collect(Collectors.toList());
    long total = qa.stream().mapToLong(MixFixtures::tokens).sum();
    MixGate.Result r =
        p.apply("Qa", Create.of(qa).withCoder(AvroCoder.specific(QaRecord.class)))
            .apply(
                "MixGate",
                MixGate.create()
                    .withLayout(ExportLayout.PER_QA)
                    .withTokenizer(TokenizerSpec.defaults().withImageTokens(IMAGE_TOKENS)));
    PAssert.that(r.admitted()).containsInAnyOrder(qa);
    PAssert.that(r.reserve()).empty();
    PAssert.that(r.accounting())
        .satisfies(
            recs -> {
              List<MixAccounting> l = new ArrayList<>();
              recs.forEach(l::add);
              assertEquals(1, l.size(), "bounded input without event times: one window");
              MixAccounting m = l.get(0);
              assertNull(m.getWindowStart());
              assertEquals(false, m.getGated());
              assertEquals(total, m.getSpatialTokensAdmitted());
              assertEquals(0, m.getGeneralTokens());
              assertEquals(19 * total, m.getGeneralTokensNeeded());
              assertEquals(1.0, m.getAchievedShare(), 0.0);
              return null;
            });
    p.run().waitUntilFinish();
  }

  @Test
  void admissionFollowsEventTimeAndQaIdNotArrival(TestPipeline p) {
    // one bounded window without event times; budget admits only part of the QA
    List<Integer> ids = IntStream.range(0, 30).boxed().collect(Collectors.toList());
    java.util.Collections.shuffle(ids, new java.util.Random(3));
    List<QaRecord> arrival = ids.stream().map(MixFixtures::qa).collect(Collectors.toList());
    long general = 150_000;
    List<QaRecord> ordered = new ArrayList<>(arrival);
    ordered.sort(Comparator.comparing(QaRecord::getQaId));
    List<Long> tokens = ordered.stream().map(MixFixtures::tokens).collect(Collectors.toList());
    Admission.Decision d = Admission.decide(tokens, general, SHARE, true, 5);
    List<QaRecord> expectedAdmitted =
        d.admitted.stream().map(ordered::get).collect(Collectors.toList());
    List<QaRecord> expectedReserve = new ArrayList<>();
    d.deferred.forEach(i -> expectedReserve.add(ordered.get(i)));
    d.reserved.forEach(i -> expectedReserve.add(ordered.get(i)));

    PCollection<String> mix =
        p.apply("General", Create.of(MixFixtures.general(100_000), MixFixtures.general(50_000)));
    MixGate.Result r =
        p.apply("Qa", Create.of(arrival).withCoder(AvroCoder.specific(QaRecord.class)))
            .apply(
                "MixGate",
                MixGate.create()
                    .withLayout(ExportLayout.PER_QA)
                    .withMaxDeferred(5)
                    .withTokenizer(TokenizerSpec.defaults().withImageTokens(IMAGE_TOKENS))
                    .withGeneralMix(mix));
    PAssert.that(r.admitted()).containsInAnyOrder(expectedAdmitted);
    PAssert.that(r.reserve()).containsInAnyOrder(expectedReserve);
    PAssert.that(r.accounting())
        .satisfies(
            recs -> {
              long[] sum = new long[3];
              recs.forEach(
                  m -> {
                    sum[0] += m.getQaAdmitted();
                    sum[1] += m.getQaReserved();
                    sum[2] += m.getGeneralTokens();
                  });
              assertEquals(expectedAdmitted.size(), sum[0]);
              assertEquals(expectedReserve.size(), sum[1]);
              assertEquals(general, sum[2]);
              return null;
            });
    p.run().waitUntilFinish();
  }

  @Test
  void lateGeneralMixCountsWithinAllowedLatenessAndIsReportedBeyondIt(TestPipeline p) {
    lateScenario(p, "", true);
    p.run().waitUntilFinish();
  }

  /**
   * Window [0, 60) with 30 s allowed lateness: general data arriving at watermark 70 s still
   * counts; general data arriving after the window was decided (watermark 100 s) is reported as too
   * late; a QA arriving then joins the next window.
   *
   * <p>The DirectRunner delivers each TestStream step to the gate before the next one, so which
   * data is late is exact there ({@code exact}). Flink runs the gate's two input branches
   * concurrently: the gate's watermark is the slower branch's, so data the source emitted after a
   * watermark may still be on time at the gate; there only what holds for any arrival is checked:
   * the invariants, and that every general token is counted once, in a window or as too late.
   */
  static void lateScenario(org.apache.beam.sdk.Pipeline p, String prefix, boolean exact) {
    List<QaRecord> early =
        IntStream.range(0, 8).mapToObj(MixFixtures::qa).collect(Collectors.toList());
    TestStream<String> stream =
        TestStream.create(StringUtf8Coder.of())
            .addElements(
                TimestampedValue.of(MixFixtures.general(19_000), at(10)),
                early.stream()
                    .map(
                        q ->
                            TimestampedValue.of(
                                "qa:" + Integer.parseInt(q.getQaId().substring(3)), at(20)))
                    .toArray(TimestampedValue[]::new))
            .advanceWatermarkTo(at(70)) // window [0, 60) ended; its allowed lateness runs to 90
            .addElements(TimestampedValue.of(MixFixtures.general(38_000), at(30))) // late, in time
            .advanceWatermarkTo(at(100)) // window [0, 60) is decided
            .addElements(
                TimestampedValue.of(MixFixtures.general(1_000_000), at(40)), // too late
                TimestampedValue.of("qa:100", at(45))) // a late QA joins window [60, 120)
            .advanceWatermarkToInfinity();
    MixGate.Result r =
        gate(p, prefix, stream, oversupplyGate().withAllowedLateness(Duration.standardSeconds(30)));

    List<Long> tokens = early.stream().map(MixFixtures::tokens).collect(Collectors.toList());
    Admission.Decision d = Admission.decide(tokens, 57_000, SHARE, true, MAX_DEFERRED);
    final long admittedTokens = d.admittedTokens;
    final int admittedQa = d.admitted.size();
    long lateQaTokens = MixFixtures.turnTokens(MixFixtures.qa(100));
    long maxQa = 0;
    for (int i = 0; i <= 100; i++) {
      maxQa = Math.max(maxQa, MixFixtures.tokens(MixFixtures.qa(i)));
    }
    final long max = maxQa;
    final long spatialTotal =
        early.stream().mapToLong(MixFixtures::turnTokens).sum() + lateQaTokens;
    PAssert.that(r.accounting())
        .satisfies(
            recs -> {
              List<MixAccounting> l = new ArrayList<>();
              recs.forEach(l::add);
              MixFixtures.checkInvariants(l, SHARE, max, 9, spatialTotal);
              long general = 0;
              for (MixAccounting m : l) {
                general += m.getGeneralTokens() + m.getGeneralTokensTooLate();
              }
              assertEquals(1_057_000, general, "every general token counted once");
              if (!exact) {
                return null;
              }
              l.sort(Comparator.comparing(m -> m.getRecordKind() + m.getWindowStart()));
              assertEquals(3, l.size(), "two windows and the end-of-input hand-over: " + l);
              MixAccounting end = l.get(0);
              MixAccounting w0 = l.get(1);
              MixAccounting w1 = l.get(2);
              assertEquals(0L, w0.getWindowStart());
              assertEquals(60_000L, w0.getWindowEnd());
              assertEquals(57_000, w0.getGeneralTokens(), "late data within the lateness counts");
              assertEquals(2, w0.getGeneralRecords());
              assertEquals(admittedTokens, w0.getSpatialTokensAdmitted());
              assertTrue(admittedQa > 0 && admittedQa < 8, "the budget admits part of the window");
              assertEquals(admittedQa, w0.getQaAdmitted());
              assertEquals(60_000L, w1.getWindowStart());
              assertEquals(0, w1.getGeneralTokens(), "data past the lateness is in no window");
              assertEquals(1_000_000, w1.getGeneralTokensTooLate());
              assertEquals(1, w1.getQaProduced());
              assertEquals(lateQaTokens, w1.getSpatialTokensProduced());
              assertEquals(0, w1.getQaAdmitted());
              assertEquals("end_of_input", end.getRecordKind());
              assertEquals(w1.getQaDeferred(), end.getQaReserved());
              return null;
            });
  }

  @Test
  void malformedGeneralMixRecordsAreDeadLetters(TestPipeline p) {
    PCollection<String> mix =
        p.apply(
            "General",
            Create.of(
                "not json",
                "{\"source\": \"web\"}",
                "{\"num_tokens\": -3}",
                "{\"num_tokens\": 1.5}",
                "{\"text\": \"A cat sits on a mat.\", \"images\": 1}",
                MixFixtures.general(1000)));
    MixGate.Result r =
        p.apply("Qa", Create.empty(AvroCoder.specific(QaRecord.class)))
            .apply(
                "MixGate",
                MixGate.create()
                    .withTokenizer(TokenizerSpec.defaults().withImageTokens(10))
                    .withGeneralMix(mix));
    PAssert.that(r.deadLetters())
        .satisfies(
            dl -> {
              List<String> reasons = new ArrayList<>();
              for (DeadLetter d : dl) {
                reasons.add(d.getReason());
                assertEquals("mix_general", d.getStage());
                assertTrue(d.getInputRef().getContentHash() != null);
              }
              reasons.sort(null);
              assertEquals(
                  List.of("mix_bad_tokens", "mix_bad_tokens", "mix_no_tokens", "mix_not_json"),
                  reasons);
              return null;
            });
    PAssert.that(r.accounting())
        .satisfies(
            recs -> {
              MixAccounting m = recs.iterator().next();
              // "[CLS] a cat sits on a mat . [SEP]" = 9 text tokens + 10 image tokens
              assertEquals(1000 + 9 + 10, m.getGeneralTokens());
              assertEquals(2, m.getGeneralRecords());
              return null;
            });
    p.run().waitUntilFinish();
  }

  @Test
  void generalRecordsWithEventTimeFallInTheirWindows(TestPipeline p) {
    PCollection<String> mix =
        p.apply(
            "General",
            Create.of(
                "{\"num_tokens\": 19000, \"event_time\": 5000}",
                "{\"num_tokens\": 38000, \"event_time\": \"1970-01-01T00:01:10Z\"}",
                "{\"num_tokens\": 1, \"event_time\": \"yesterday\"}"));
    List<TimestampedValue<QaRecord>> qa =
        List.of(
            TimestampedValue.of(MixFixtures.qa(1), at(10)),
            TimestampedValue.of(MixFixtures.qa(2), at(80)));
    MixGate.Result r =
        p.apply("Qa", Create.timestamped(qa).withCoder(AvroCoder.specific(QaRecord.class)))
            .apply("MixGate", oversupplyGate().withGeneralMix(mix));
    PAssert.that(r.admitted()).containsInAnyOrder(MixFixtures.qa(1), MixFixtures.qa(2));
    PAssert.that(r.accounting())
        .satisfies(
            recs -> {
              java.util.Map<Long, Long> general = new java.util.TreeMap<>();
              recs.forEach(m -> general.put(m.getWindowStart(), m.getGeneralTokens()));
              assertEquals(java.util.Map.of(0L, 19_000L, 60_000L, 38_000L), general);
              return null;
            });
    PAssert.that(r.deadLetters())
        .satisfies(
            dl -> {
              assertEquals("mix_bad_event_time", dl.iterator().next().getReason());
              return null;
            });
    p.run().waitUntilFinish();
  }

  /**
   * Layout per_image: an image's vision and special tokens are charged once, on its first admitted
   * turn, also when its QA are admitted in different windows; the gate's total equals the QA
   * admitted, grouped by image and counted as conversations.
   */
  @Test
  void perImageChargesEachImageOnceAcrossWindows(TestPipeline p) {
    // QA 0..9 show image 0, QA 10..19 image 1; 0..14 in window [0, 60), 15..19 in [60, 120)
    List<TimestampedValue<QaRecord>> qa = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      qa.add(TimestampedValue.of(MixFixtures.qa(i), at(i < 15 ? 1 + i : 46 + i)));
    }
    long conv = MixFixtures.conversationTokens();
    List<QaRecord> w0 =
        IntStream.range(0, 15).mapToObj(MixFixtures::qa).collect(Collectors.toList());
    Admission.Decision d0 =
        Admission.decide(
            w0.stream().map(MixFixtures::turnTokens).collect(Collectors.toList()),
            w0.stream().map(q -> "image:" + q.getImageUri()).collect(Collectors.toList()),
            Set.of(),
            conv,
            38_000,
            SHARE,
            true,
            MAX_DEFERRED);
    assertEquals(15, d0.admitted.size(), "window 0 admits both images' QA");
    assertEquals(2, d0.opened.size());
    List<QaRecord> w1 =
        IntStream.range(15, 20).mapToObj(MixFixtures::qa).collect(Collectors.toList());
    Admission.Decision d1 =
        Admission.decide(
            w1.stream().map(MixFixtures::turnTokens).collect(Collectors.toList()),
            w1.stream().map(q -> "image:" + q.getImageUri()).collect(Collectors.toList()),
            Set.copyOf(d0.opened),
            conv,
            3_000,
            SHARE,
            true,
            MAX_DEFERRED);
    assertTrue(!d1.admitted.isEmpty() && d1.opened.isEmpty(), "image 1 is already paid for");
    assertTrue(
        MixFixtures.tokens(w1.get(0)) > SHARE.maxSpatialTokens(3_000),
        "per_qa could not admit any of window 1: each QA would pay the image again");
    final long expectedW0 = d0.admittedTokens;
    final long expectedW1 = d1.admittedTokens;
    final int admittedQa = 15 + d1.admitted.size();

    PCollection<String> mix =
        p.apply(
            "General",
            Create.of(
                "{\"num_tokens\": 38000, \"event_time\": 5000}",
                "{\"num_tokens\": 3000, \"event_time\": 65000}"));
    MixGate.Result r =
        p.apply("Qa", Create.timestamped(qa).withCoder(AvroCoder.specific(QaRecord.class)))
            .apply(
                "MixGate",
                MixGate.create()
                    .withMaxDeferred(MAX_DEFERRED)
                    .withTokenizer(TokenizerSpec.defaults().withImageTokens(IMAGE_TOKENS))
                    .withGeneralMix(mix));
    PCollection<MixAccounting> acc = r.accounting();
    PAssert.that(acc)
        .satisfies(
            recs -> {
              long first = -1, second = -1, opened = 0;
              for (MixAccounting m : recs) {
                assertEquals("per_image", m.getLayout());
                assertEquals(2, m.getSpecialTokensPerConversation());
                assertEquals(4, m.getTemplateTokensPerTurn());
                opened += m.getConversationsOpened();
                if (Long.valueOf(0L).equals(m.getWindowStart())) {
                  first = m.getSpatialTokensAdmitted();
                } else if (Long.valueOf(60_000L).equals(m.getWindowStart())) {
                  second = m.getSpatialTokensAdmitted();
                  assertEquals(0, m.getConversationsOpened());
                }
              }
              assertEquals(expectedW0, first);
              assertEquals(expectedW1, second);
              assertEquals(2, opened, "two images, two conversations");
              return null;
            });
    PAssert.that(r.admitted())
        .satisfies(
            admitted -> {
              // what export writes: the admitted QA grouped by image, one conversation each
              java.util.Map<String, List<String[]>> byImage = new java.util.TreeMap<>();
              int n = 0;
              for (QaRecord q : admitted) {
                byImage
                    .computeIfAbsent(q.getImageUri(), k -> new ArrayList<>())
                    .add(new String[] {q.getQuestion(), q.getAnswer()});
                n++;
              }
              assertEquals(admittedQa, n);
              long exported = 0;
              for (List<String[]> turns : byImage.values()) {
                exported += MixFixtures.counter().countConversationText(turns, 1);
              }
              assertEquals(expectedW0 + expectedW1, exported, "charged = exported");
              return null;
            });
    p.run().waitUntilFinish();
  }
}
