package dev.spatialvqa.core.perceive;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.spatialvqa.core.image.Resample;
import dev.spatialvqa.core.image.Resample.Filter;
import org.junit.jupiter.api.Test;

class ResampleTest {
  @Test
  void constantImageStaysConstantUpAndDown() {
    float[] c = new float[37 * 23];
    java.util.Arrays.fill(c, 200f);
    for (Filter f : Filter.values()) {
      for (float v : Resample.resize(c, 37, 23, 11, 50, f, true)) {
        assertEquals(200f, v, 0f);
      }
    }
  }

  @Test
  void sameSizeIsIdentity() {
    float[] src = {1, 2, 3, 4, 5, 6};
    assertArrayEquals(src, Resample.resize(src, 3, 2, 3, 2, Filter.BICUBIC, false));
  }

  @Test
  void halvingBilinearAveragesWithPillowsStretchedTriangle() {
    // out[0]: centre 1.0, support 2 -> taps x=0,1,2 with weights .75,.75,.25 (normalised by 1.75)
    float[] row = {0, 2, 4, 6};
    float[] out = Resample.resize(row, 4, 1, 2, 1, Filter.BILINEAR, false);
    assertEquals((0 * .75 + 2 * .75 + 4 * .25) / 1.75, out[0], 1e-6);
    assertEquals((2 * .25 + 4 * .75 + 6 * .75) / 1.75, out[1], 1e-6);
  }

  @Test
  void bicubicUpsamplingKeepsALinearRampLinearInside() {
    float[] ramp = new float[10];
    for (int i = 0; i < 10; i++) {
      ramp[i] = 10 * i;
    }
    float[] out = Resample.resize(ramp, 10, 1, 20, 1, Filter.BICUBIC, false);
    // output pixel i has centre (i + 0.5) / 2 - 0.5 in input pixel coordinates
    for (int i = 4; i < 16; i++) {
      assertEquals(10 * ((i + 0.5) / 2 - 0.5), out[i], 1e-4);
    }
  }

  @Test
  void clampRoundsLikeEightBitPillow() {
    float[] row = {0, 255, 0, 255};
    for (float v : Resample.resize(row, 4, 1, 7, 1, Filter.BICUBIC, true)) {
      assertEquals(Math.rint(v), v, 0f);
      assertEquals(true, v >= 0 && v <= 255);
    }
  }
}
