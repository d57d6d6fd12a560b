package dev.spatialvqa.core.embed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class MeanPoolingTest {
  @Test
  void averagesOnlyMaskedTokensThenNormalises() {
    // batch 2, seq 3, dim 2
    float[] hidden = {
      1, 0, 3, 0, 100, 100, // row 0: third token is padding
      0, 2, 0, 4, 0, 6
    };
    long[][] mask = {{1, 1, 0}, {1, 1, 1}};

    float[][] out = MeanPooling.meanPoolNormalize(hidden, mask, 3, 2);

    assertArrayEquals(new float[] {1, 0}, out[0], 1e-6f);
    assertArrayEquals(new float[] {0, 1}, out[1], 1e-6f);
  }

  @Test
  void rejectsAHiddenStateOfTheWrongSize() {
    assertThrows(
        IllegalArgumentException.class,
        () -> MeanPooling.meanPoolNormalize(new float[5], new long[][] {{1, 1}}, 2, 2));
  }
}
