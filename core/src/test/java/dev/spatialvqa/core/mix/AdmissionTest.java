package dev.spatialvqa.core.mix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AdmissionTest {
  private static final ShareRatio FIVE_PERCENT = ShareRatio.of(1, 20);

  @Test
  void admitsFirstFitInOrderAndNeverExceedsTheShare() {
    // budget for 1900 general tokens at 1/20 is 100
    Admission.Decision d =
        Admission.decide(List.of(40L, 50L, 30L, 10L, 5L), 1900, FIVE_PERCENT, true, 10);
    assertEquals(List.of(0, 1, 3), d.admitted); // 40+50=90, 30 does not fit, 10 fits, 5 does not
    assertEquals(List.of(2, 4), d.deferred);
    assertEquals(100, d.admittedTokens);
    assertEquals(100, d.budget);
    assertTrue(FIVE_PERCENT.within(d.admittedTokens, 1900));
  }

  @Test
  void waitingBeyondTheCapGoesToTheReserveNewestFirst() {
    Admission.Decision d = Admission.decide(List.of(10L, 11L, 12L, 13L), 0, FIVE_PERCENT, true, 2);
    assertEquals(List.of(), d.admitted);
    assertEquals(List.of(0, 1), d.deferred);
    assertEquals(List.of(2, 3), d.reserved);
    assertEquals(21, d.deferredTokens);
    assertEquals(25, d.reservedTokens);
  }

  @Test
  void ungatedAdmitsEverything() {
    Admission.Decision d = Admission.decide(List.of(10L, 1_000_000L), 0, FIVE_PERCENT, false, 0);
    assertEquals(List.of(0, 1), d.admitted);
    assertEquals(1_000_010, d.admittedTokens);
  }

  @Test
  void randomWindowsAreWithinShareWithinOneQaAndConserve() {
    Random rnd = new Random(7);
    for (int trial = 0; trial < 500; trial++) {
      int n = rnd.nextInt(60);
      List<Long> tokens = new ArrayList<>();
      long total = 0;
      for (int i = 0; i < n; i++) {
        long t = 600 + rnd.nextInt(80);
        tokens.add(t);
        total += t;
      }
      long general = rnd.nextInt(400_000);
      ShareRatio share = ShareRatio.of(1 + rnd.nextInt(10), 100);
      int cap = rnd.nextInt(30);
      Admission.Decision d = Admission.decide(tokens, general, share, true, cap);
      assertTrue(share.within(d.admittedTokens, general), "share exceeded in trial " + trial);
      assertEquals(total, d.admittedTokens + d.deferredTokens + d.reservedTokens);
      assertEquals(n, d.admitted.size() + d.deferred.size() + d.reserved.size());
      assertTrue(d.deferred.size() <= cap);
      if (!d.deferred.isEmpty() || !d.reserved.isEmpty()) {
        long maxQa = tokens.stream().mapToLong(Long::longValue).max().orElse(0);
        assertTrue(
            d.budget - d.admittedTokens < maxQa, "more than one QA below target in " + trial);
      }
    }
  }

  @Test
  void aConversationIsChargedOnceOnItsFirstAdmittedTurn() {
    // budget 100; conversation cost 30; turns of image a, a, b, a, b
    Admission.Decision d =
        Admission.decide(
            List.of(10L, 10L, 10L, 10L, 25L),
            List.of("a", "a", "b", "a", "b"),
            Set.of(),
            30,
            1900,
            FIVE_PERCENT,
            true,
            10);
    // a: 40, a: 50, b: 90 (opens b), a: 100, b (25) does not fit
    assertEquals(List.of(0, 1, 2, 3), d.admitted);
    assertEquals(List.of(4), d.deferred);
    assertEquals(List.of("a", "b"), d.opened);
    assertEquals(60, d.openedTokens);
    assertEquals(100, d.admittedTokens);
    assertEquals(40, d.admittedTurnTokens());
    assertEquals(25, d.deferredTokens, "waiting tokens are turn tokens");
    assertEquals(25, d.minWaitingCharge);
  }

  @Test
  void aConversationOpenedInAnEarlierWindowIsNotChargedAgain() {
    Admission.Decision d =
        Admission.decide(
            List.of(10L, 10L), List.of("a", "b"), Set.of("a"), 30, 1900, FIVE_PERCENT, true, 10);
    assertEquals(List.of(0, 1), d.admitted);
    assertEquals(List.of("b"), d.opened);
    assertEquals(50, d.admittedTokens);
    // a new conversation that cannot pay its image waits, with its full charge
    Admission.Decision e =
        Admission.decide(List.of(10L), List.of("c"), Set.of(), 95, 1900, FIVE_PERCENT, true, 10);
    assertEquals(List.of(), e.admitted);
    assertEquals(105, e.minWaitingCharge);
    assertEquals(10, e.deferredTokens);
  }

  @Test
  void randomConversationsChargeEachOpenedConversationOnceAndConserve() {
    Random rnd = new Random(11);
    for (int trial = 0; trial < 300; trial++) {
      int n = rnd.nextInt(80);
      List<Long> tokens = new ArrayList<>();
      List<String> keys = new ArrayList<>();
      long total = 0;
      for (int i = 0; i < n; i++) {
        long t = 20 + rnd.nextInt(30);
        tokens.add(t);
        keys.add("img" + rnd.nextInt(6));
        total += t;
      }
      Set<String> open = new HashSet<>();
      if (rnd.nextBoolean()) {
        open.add("img0");
      }
      long conv = rnd.nextInt(700);
      long general = rnd.nextInt(100_000);
      int cap = rnd.nextInt(40);
      Admission.Decision d =
          Admission.decide(tokens, keys, open, conv, general, FIVE_PERCENT, true, cap);
      assertTrue(FIVE_PERCENT.within(d.admittedTokens, general), "share exceeded in " + trial);
      // recompute the charge from the admitted turns: each conversation once, unless open before
      Map<String, Long> byConversation = new HashMap<>();
      for (int i : d.admitted) {
        byConversation.merge(keys.get(i), tokens.get(i), Long::sum);
      }
      long expected = 0;
      for (Map.Entry<String, Long> e : byConversation.entrySet()) {
        expected += e.getValue() + (open.contains(e.getKey()) ? 0 : conv);
      }
      assertEquals(expected, d.admittedTokens, "trial " + trial);
      assertEquals(
          byConversation.size() - (open.stream().filter(byConversation::containsKey).count()),
          d.opened.size());
      assertEquals(total, d.admittedTurnTokens() + d.deferredTokens + d.reservedTokens);
      if (d.minWaitingCharge >= 0) {
        assertTrue(d.budget - d.admittedTokens < d.minWaitingCharge, "trial " + trial);
      }
    }
  }
}
