package dev.spatialvqa.core.mix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
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
}
