package dev.spatialvqa.core.lift;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class IntrinsicsEstimatorTest {

  @Test
  void exifFocalUsesTheFullFrameDiagonal() {
    // 3:2 image: diagonal rule equals f35 / 36 * long side
    IntrinsicsEstimator.Estimate e = IntrinsicsEstimator.estimate(6000, 4000, 50.0);

    assertEquals("exif", e.source());
    assertEquals(50.0 / 36 * 6000, e.intrinsics().fx(), 1e-6);
    assertEquals(e.intrinsics().fx(), e.intrinsics().fy(), 0);
    assertEquals(2999.5, e.intrinsics().cx(), 1e-12);
    assertEquals(1999.5, e.intrinsics().cy(), 1e-12);
  }

  @Test
  void exifFocalIsOrientationIndependent() {
    double landscape = IntrinsicsEstimator.estimate(4032, 3024, 26.0).intrinsics().fx();
    double portrait = IntrinsicsEstimator.estimate(3024, 4032, 26.0).intrinsics().fx();

    assertEquals(landscape, portrait, 1e-9);
    assertEquals(26.0 / 43.2666 * 5040, landscape, 0.5);
  }

  @Test
  void missingOrImplausibleFocalFallsBackToSixtyDegrees() {
    for (Double f : new Double[] {null, 0.0, -5.0, 5000.0, Double.NaN}) {
      IntrinsicsEstimator.Estimate e = IntrinsicsEstimator.estimate(800, 600, f);

      assertEquals("default_fov", e.source());
      double fov = Math.toDegrees(2 * Math.atan(400 / e.intrinsics().fx()));
      assertEquals(60, fov, 1e-9);
    }
  }

  @Test
  void estimatesAreValidIntrinsics() {
    IntrinsicsEstimator.estimate(730, 530, 28.0).intrinsics().validate(730, 530);
    IntrinsicsEstimator.estimate(730, 530, null).intrinsics().validate(730, 530);
    assertThrows(IllegalArgumentException.class, () -> IntrinsicsEstimator.estimate(0, 10, null));
  }
}
