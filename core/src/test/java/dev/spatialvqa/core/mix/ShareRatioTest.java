package dev.spatialvqa.core.mix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ShareRatioTest {
  @Test
  void parsesDecimalsExactlyAndReduces() {
    assertEquals(ShareRatio.of(1, 20), ShareRatio.parse("0.05"));
    assertEquals("1/20", ShareRatio.parse("0.050").toString());
    assertEquals(ShareRatio.of(3, 40), ShareRatio.parse("3/40"));
    assertEquals(ShareRatio.of(1, 3), ShareRatio.parse(" 2/6 "));
  }

  @Test
  void rejectsSharesOutsideTheOpenUnitInterval() {
    for (String bad : new String[] {"0", "1", "1.5", "-0.1", "abc", "", "3/2", "0.0000000000001"}) {
      assertThrows(IllegalArgumentException.class, () -> ShareRatio.parse(bad), bad);
    }
  }

  @Test
  void budgetIsTheLargestSpatialCountWithinTheShare() {
    ShareRatio s = ShareRatio.of(1, 20);
    for (long g : new long[] {0, 1, 18, 19, 20, 950, 951, 12_345_678_901L}) {
      long max = s.maxSpatialTokens(g);
      assertTrue(s.within(max, g), "max within for g=" + g);
      assertFalse(s.within(max + 1, g), "max+1 over for g=" + g);
    }
    assertEquals(50, s.maxSpatialTokens(950)); // 50 / 1000 = 5% exactly
  }

  @Test
  void generalTokensNeededIsTheSmallestSufficientCount() {
    ShareRatio s = ShareRatio.of(1, 20);
    assertEquals(950, s.generalTokensNeeded(50));
    assertEquals(19 * 7, s.generalTokensNeeded(7));
    ShareRatio t = ShareRatio.of(3, 40);
    for (long a : new long[] {0, 1, 2, 3, 100, 1_000_003}) {
      long need = t.generalTokensNeeded(a);
      assertTrue(t.within(a, need));
      if (need > 0) {
        assertFalse(t.within(a, need - 1));
      }
    }
  }

  @Test
  void noOverflowOnHugeCounts() {
    ShareRatio s = ShareRatio.of(999_999, 1_000_000);
    assertEquals(Long.MAX_VALUE, s.maxSpatialTokens(Long.MAX_VALUE / 2));
    assertTrue(s.within(Long.MAX_VALUE / 4, Long.MAX_VALUE / 4));
  }
}
