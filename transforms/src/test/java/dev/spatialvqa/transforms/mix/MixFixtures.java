package dev.spatialvqa.transforms.mix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spatialvqa.core.mix.ShareRatio;
import dev.spatialvqa.core.mix.TokenCounter;
import dev.spatialvqa.schemas.MixAccounting;
import dev.spatialvqa.schemas.Provenance;
import dev.spatialvqa.schemas.QaKind;
import dev.spatialvqa.schemas.QaRecord;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.values.TupleTag;

/** Test data for the gate: deterministic QA records and the invariants every run must satisfy. */
public final class MixFixtures {
  static final int IMAGE_TOKENS = 576;
  static final TupleTag<QaRecord> QA = new TupleTag<QaRecord>("qa") {};
  static final TupleTag<String> GENERAL = new TupleTag<String>("general") {};

  private MixFixtures() {}

  /** QA number {@code i}: question and answer lengths vary with i so token counts differ. */
  public static QaRecord qa(int i) {
    String q =
        "How far is the chair " + i + " from the table" + " near the window".repeat(i % 4) + "?";
    String a = "The chair " + i + " is " + (1 + i % 7) + "." + (i % 10) + " meters from the table.";
    return QaRecord.newBuilder()
        .setQaId(String.format("qa-%05d", i))
        .setSceneId("scene-" + (i / 10))
        .setImageUri("file:///scenes/" + (i / 10) + "/image.jpg")
        .setQuestion(q)
        .setAnswer(a)
        .setQuestionType("distance")
        .setKind(QaKind.quantitative)
        .setObjectIds(List.of("chair-" + i, "table"))
        .setTemplateId("distance/q0")
        .setProvenance(Provenance.newBuilder().setEngineVersion("test").build())
        .build();
  }

  private static TokenCounter counter;

  static synchronized TokenCounter counter() {
    if (counter == null) {
      counter = TokenCounter.loadDefault(IMAGE_TOKENS); // shared by the test JVM
    }
    return counter;
  }

  /**
   * What a QA costs as its own conversation ({@code per_qa}: its turn plus its image and special
   * tokens; default tokenizer, {@link #IMAGE_TOKENS}).
   */
  static long tokens(QaRecord r) {
    return counter().countQa(r.getQuestion(), r.getAnswer());
  }

  /** A QA's turn tokens: what accounting counts as produced, deferred and reserved. */
  static long turnTokens(QaRecord r) {
    return counter().countTurn(r.getQuestion(), r.getAnswer());
  }

  /** Image plus special tokens: what a conversation costs once. */
  static long conversationTokens() {
    return counter().conversationTokens();
  }

  static String general(long numTokens) {
    return "{\"num_tokens\": " + numTokens + ", \"source\": \"web\"}";
  }

  /** Splits the one test stream ("qa:N" or a general JSON record) into the gate's two inputs. */
  static final class Split extends DoFn<String, QaRecord> {
    @ProcessElement
    public void process(@Element String s, MultiOutputReceiver out) {
      if (s.startsWith("qa:")) {
        out.get(QA).output(qa(Integer.parseInt(s.substring(3))));
      } else {
        out.get(GENERAL).output(s);
      }
    }
  }

  /**
   * Checks every accounting record: the admitted share never exceeds the target; when QA waited,
   * the window is within one QA of the target; each record balances; the chain of records hands
   * deferred QA on; and the totals conserve against what was produced ({@code producedTokens}: turn
   * tokens; admitted tokens also hold each opened conversation's cost).
   */
  static void checkInvariants(
      Iterable<MixAccounting> records,
      ShareRatio share,
      long maxQaTokens,
      long producedQa,
      long producedTokens) {
    List<MixAccounting> rs = new ArrayList<>();
    records.forEach(rs::add);
    rs.sort(
        Comparator.comparing((MixAccounting r) -> "end_of_input".equals(r.getRecordKind()))
            .thenComparing(r -> r.getWindowStart() == null ? Long.MIN_VALUE : r.getWindowStart()));
    long admitted = 0, reserved = 0, qaAdmitted = 0, qaReserved = 0, produced = 0, qaProduced = 0;
    long carried = 0, qaCarried = 0;
    for (MixAccounting r : rs) {
      String at = "record " + r;
      assertTrue(
          share.within(r.getSpatialTokensAdmitted(), r.getGeneralTokens()),
          "share exceeded: " + at);
      if ("window".equals(r.getRecordKind()) && r.getQaDeferred() + r.getQaReserved() > 0) {
        long budget = share.maxSpatialTokens(r.getGeneralTokens());
        assertTrue(
            budget - r.getSpatialTokensAdmitted() < maxQaTokens, "more than one QA short: " + at);
      }
      assertEquals(
          r.getConversationsOpened()
              * (r.getImageTokensPerConversation() + r.getSpecialTokensPerConversation()),
          r.getConversationTokensAdmitted(),
          "each opened conversation pays its image and special tokens once: " + at);
      long admittedTurns = r.getSpatialTokensAdmitted() - r.getConversationTokensAdmitted();
      assertEquals(
          r.getSpatialTokensCarriedIn() + r.getSpatialTokensProduced(),
          admittedTurns + r.getSpatialTokensDeferred() + r.getSpatialTokensReserved(),
          "tokens do not balance: " + at);
      assertEquals(
          r.getQaCarriedIn() + r.getQaProduced(),
          r.getQaAdmitted() + r.getQaDeferred() + r.getQaReserved(),
          "QA do not balance: " + at);
      assertEquals(carried, r.getSpatialTokensCarriedIn(), "deferred tokens not handed on: " + at);
      assertEquals(qaCarried, r.getQaCarriedIn(), "deferred QA not handed on: " + at);
      carried = r.getSpatialTokensDeferred();
      qaCarried = r.getQaDeferred();
      admitted += admittedTurns;
      reserved += r.getSpatialTokensReserved();
      qaAdmitted += r.getQaAdmitted();
      qaReserved += r.getQaReserved();
      produced += r.getSpatialTokensProduced();
      qaProduced += r.getQaProduced();
    }
    assertEquals(producedTokens, produced, "produced tokens");
    assertEquals(producedQa, qaProduced, "produced QA");
    assertEquals(produced, admitted + carried + reserved, "tokens: admitted + deferred + reserved");
    assertEquals(
        qaProduced, qaAdmitted + qaCarried + qaReserved, "QA: admitted + deferred + reserved");
  }

  static Map<String, Long> sums(Iterable<MixAccounting> records) {
    long a = 0, r = 0;
    for (MixAccounting m : records) {
      a += m.getQaAdmitted();
      r += m.getQaReserved();
    }
    return Map.of("admitted", a, "reserved", r);
  }
}
