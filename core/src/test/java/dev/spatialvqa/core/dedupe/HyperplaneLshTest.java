package dev.spatialvqa.core.dedupe;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spatialvqa.core.math.Vectors;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class HyperplaneLshTest {
  static float[] randomUnit(Random r, int dim) {
    float[] v = new float[dim];
    for (int i = 0; i < dim; i++) {
      v[i] = (float) r.nextGaussian();
    }
    return Vectors.normalized(v);
  }

  /** A unit vector with cosine {@code cos} to unit {@code a}. */
  static float[] near(float[] a, double cos, Random r) {
    float[] n = randomUnit(r, a.length);
    double d = Vectors.dot(a, n);
    float[] orth = new float[a.length];
    for (int i = 0; i < a.length; i++) {
      orth[i] = (float) (n[i] - d * a[i]);
    }
    orth = Vectors.normalized(orth);
    float[] out = new float[a.length];
    double s = Math.sqrt(1 - cos * cos);
    for (int i = 0; i < a.length; i++) {
      out[i] = (float) (cos * a[i] + s * orth[i]);
    }
    return out;
  }

  @Test
  void sameSeedSameKeysAcrossInstances() {
    float[] v = randomUnit(new Random(1), 32);
    assertArrayEquals(
        new HyperplaneLsh(32, 4, 6, 7).keys(v), new HyperplaneLsh(32, 4, 6, 7).keys(v));
    assertEquals("b0:", new HyperplaneLsh(32, 4, 6, 7).keys(v)[0].substring(0, 3));
  }

  @Test
  void nearNeighboursShareAKeyAtAboutThePredictedRate() {
    HyperplaneLsh lsh = new HyperplaneLsh(64, 8, 6, 42);
    Random r = new Random(3);
    int trials = 400;
    int nearShared = 0;
    int farShared = 0;
    for (int t = 0; t < trials; t++) {
      float[] a = randomUnit(r, 64);
      if (shareKey(lsh.keys(a), lsh.keys(near(a, 0.95, r)))) {
        nearShared++;
      }
      if (shareKey(lsh.keys(a), lsh.keys(near(a, 0.0, r)))) {
        farShared++;
      }
    }
    double predictedNear = HyperplaneLsh.collisionProbability(0.95, 8, 6);
    double predictedFar = HyperplaneLsh.collisionProbability(0.0, 8, 6);
    assertEquals(predictedNear, nearShared / (double) trials, 0.06);
    assertEquals(predictedFar, farShared / (double) trials, 0.06);
    assertTrue(predictedNear > 0.98 && predictedFar < 0.15, predictedNear + " " + predictedFar);
  }

  private static boolean shareKey(String[] a, String[] b) {
    Set<String> s = new HashSet<>(Arrays.asList(a));
    return Arrays.stream(b).anyMatch(s::contains);
  }

  @Test
  void validatesParametersWithTheirValue() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new HyperplaneLsh(8, 0, 4, 1));
    assertTrue(e.getMessage().contains("bands") && e.getMessage().contains("0"));
    assertThrows(
        IllegalArgumentException.class, () -> new HyperplaneLsh(8, 2, 4, 1).keys(new float[7]));
  }
}
