package dev.spatialvqa.core.lift;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class DepthClustersTest {

  @Test
  void picksTheLayerFillingTheBoxCentreOverALargerBackground() {
    // 20x20 box: an object at 2 m in the central 10x10, a wall at 3.5 m elsewhere
    int w = 20;
    int n = 400;
    float[] z = new float[n];
    int[] pix = new int[n];
    for (int i = 0; i < n; i++) {
      int u = i % w, v = i / w;
      pix[i] = i;
      boolean centre = u >= 5 && u < 15 && v >= 5 && v < 15;
      z[i] = centre ? 2.0f + 0.001f * u : 3.5f + 0.001f * v;
    }

    boolean[] keep = DepthClusters.objectLayer(z, pix, n, w, 0, 0, 19, 19);

    assertTrue(keep[10 * w + 10]);
    assertFalse(keep[0]);
    assertFalse(keep[19 * w + 19]);
  }

  @Test
  void aContinuousSurfaceStaysOneLayer() {
    int n = 100;
    float[] z = new float[n];
    int[] pix = new int[n];
    for (int i = 0; i < n; i++) {
      z[i] = 2.0f + 0.01f * i; // 2 .. 3 m in 1 cm steps: no gap
      pix[i] = i;
    }

    boolean[] keep = DepthClusters.objectLayer(z, pix, n, 10, 0, 0, 9, 9);

    for (boolean k : keep) {
      assertTrue(k);
    }
  }
}
