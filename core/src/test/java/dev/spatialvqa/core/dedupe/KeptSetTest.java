package dev.spatialvqa.core.dedupe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.spatialvqa.core.math.Vectors;
import org.junit.jupiter.api.Test;

class KeptSetTest {
  private static final float[] X = {1, 0};
  private static final float[] Y = {0, 1};
  private static final float[] NEAR_X = Vectors.normalized(new float[] {1, 0.1f});

  @Test
  void bestMatchAboveThresholdWithinLookback() {
    KeptSet s = new KeptSet();
    s.add(new KeptSet.Entry("x", 1000, X), 10);
    s.add(new KeptSet.Entry("y", 1000, Y), 10);

    KeptSet.Match m = s.bestMatch("n", NEAR_X, 1500, 0.9, Long.MAX_VALUE);
    assertEquals("x", m.entry.id);
    assertEquals(0.995, m.similarity, 1e-3);
    assertNull(s.bestMatch("n", NEAR_X, 5000, 0.9, 1000), "outside lookback");
    assertNull(s.bestMatch("n", NEAR_X, 1500, 0.999, Long.MAX_VALUE), "below threshold");
    assertEquals(1.0, s.bestMatch("y", X, 1000, 0.9, Long.MAX_VALUE).similarity, "same id");
  }

  @Test
  void onlyEarlierEntriesMatchSoDuplicatesNeverFormACycle() {
    KeptSet s = new KeptSet();
    s.add(new KeptSet.Entry("m", 2000, X), 10);

    assertNull(s.bestMatch("early", NEAR_X, 1000, 0.9, Long.MAX_VALUE), "a later entry");
    assertEquals(
        "m", s.bestMatch("z", NEAR_X, 2000, 0.9, Long.MAX_VALUE).entry.id, "tie, larger id");
    assertNull(s.bestMatch("a", NEAR_X, 2000, 0.9, Long.MAX_VALUE), "tie, smaller id");
  }

  @Test
  void entriesOfTheSameGroupNeverMatch() {
    KeptSet s = new KeptSet();
    s.add(new KeptSet.Entry("x", "scene-1", 1000, X), 10);

    assertNull(s.bestMatch("n", "scene-1", NEAR_X, 1001, 0.9, Long.MAX_VALUE));
    assertEquals("x", s.bestMatch("n", "scene-2", NEAR_X, 1001, 0.9, Long.MAX_VALUE).entry.id);
    assertEquals("x", s.bestMatch("n", null, NEAR_X, 1001, 0.9, Long.MAX_VALUE).entry.id);
  }

  @Test
  void boundedByEvictingTheOldest() {
    KeptSet s = new KeptSet();
    for (int i = 0; i < 5; i++) {
      s.add(new KeptSet.Entry("e" + i, i, X), 3);
    }
    assertEquals(3, s.size());
    assertEquals("e2", s.entries().get(0).id);
    assertEquals(1, s.removeOlderThan(3));
    assertEquals(4, s.maxTimestamp());
  }
}
