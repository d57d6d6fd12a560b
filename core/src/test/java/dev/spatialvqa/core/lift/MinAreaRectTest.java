package dev.spatialvqa.core.lift;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

class MinAreaRectTest {

  @Test
  void recoversARotatedRectangle() {
    double angle = Math.toRadians(30);
    double c = Math.cos(angle), s = Math.sin(angle);
    Random r = new Random(1);
    int n = 2000;
    double[] xy = new double[2 * n];
    for (int i = 0; i < n; i++) {
      double a = (r.nextDouble() - 0.5) * 2.0; // length 2
      double b = (r.nextDouble() - 0.5) * 0.8; // width 0.8
      xy[2 * i] = 5 + c * a - s * b;
      xy[2 * i + 1] = -1 + s * a + c * b;
    }

    MinAreaRect.Rect rect = MinAreaRect.of(xy, n);

    assertEquals(2.0, rect.length(), 0.02);
    assertEquals(0.8, rect.width(), 0.02);
    assertEquals(30, Math.toDegrees(rect.angleRad()), 1.0);
    assertEquals(5, rect.cx(), 0.02);
    assertEquals(-1, rect.cy(), 0.02);
  }

  @Test
  void hullOfASquareWithInteriorPointsIsItsCorners() {
    double[] xy = {0, 0, 1, 0, 1, 1, 0, 1, 0.5, 0.5, 0.2, 0.7};

    double[] hull = MinAreaRect.convexHull(xy, 6);

    assertEquals(8, hull.length);
  }

  @Test
  void headingIsWrappedAndLongSideFirst() {
    // a rectangle 1 x 3 along y: length axis is +y, i.e. 90 degrees
    double[] xy = {0, 0, 1, 0, 1, 3, 0, 3};

    MinAreaRect.Rect rect = MinAreaRect.of(xy, 4);

    assertEquals(3, rect.length(), 1e-9);
    assertEquals(1, rect.width(), 1e-9);
    assertEquals(90, Math.toDegrees(rect.angleRad()), 1e-6);
  }

  @Test
  void degenerateInputs() {
    MinAreaRect.Rect one = MinAreaRect.of(new double[] {2, 3}, 1);
    assertEquals(0, one.length(), 1e-12);
    assertEquals(2, one.cx(), 1e-12);
    MinAreaRect.Rect line = MinAreaRect.of(new double[] {0, 0, 1, 1, 2, 2}, 3);
    assertEquals(Math.sqrt(8), line.length(), 1e-9);
    assertEquals(45, Math.toDegrees(line.angleRad()), 1e-9);
  }
}
