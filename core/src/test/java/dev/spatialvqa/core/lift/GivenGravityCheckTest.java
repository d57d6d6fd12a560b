package dev.spatialvqa.core.lift;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * A given up vector is checked against the horizontal surfaces in the depth (issue: silently wrong
 * data, item 7), on the two real bedrooms: the dataset's own up passes, its opposite and one tilted
 * past the tolerance are refused with the angle, and a vector the upright search cannot judge
 * (steep) passes.
 */
class GivenGravityCheckTest {
  private final SceneLifter lifter = new SceneLifter(LiftConfig.defaults());

  private static double[] rotateAboutX(double[] v, double deg) {
    double a = Math.toRadians(deg), c = Math.cos(a), s = Math.sin(a);
    return new double[] {v[0], c * v[1] - s * v[2], s * v[1] + c * v[2]};
  }

  @Test
  void theDatasetsOwnGravityPassesAndItsOppositeIsRefused() {
    for (String id : new String[] {"sunrgbd-000001", "sunrgbd-000002"}) {
      SunRgbdScene s = SunRgbdScene.load(id);
      assertDoesNotThrow(() -> lifter.checkGivenUp(s.depth(), s.intrinsics(), s.gtUp()), id);
      double[] down = {-s.gtUp()[0], -s.gtUp()[1], -s.gtUp()[2]};
      LiftException e =
          assertThrows(
              LiftException.class, () -> lifter.checkGivenUp(s.depth(), s.intrinsics(), down));
      assertEquals("gravity_contradicts_depth", e.reason());
      assertTrue(e.getMessage().contains("points down"), e.getMessage());
    }
  }

  @Test
  void aTiltPastTheToleranceIsRefusedAndOneWithinItPasses() {
    SunRgbdScene s = SunRgbdScene.load("sunrgbd-000001");
    double[] slight = rotateAboutX(s.gtUp(), SceneLifter.GIVEN_UP_TOLERANCE_DEG / 2);
    assertDoesNotThrow(() -> lifter.checkGivenUp(s.depth(), s.intrinsics(), slight));
    double[] off = rotateAboutX(s.gtUp(), SceneLifter.GIVEN_UP_TOLERANCE_DEG + 10);
    LiftException e =
        assertThrows(
            LiftException.class, () -> lifter.checkGivenUp(s.depth(), s.intrinsics(), off));
    assertTrue(e.getMessage().contains("degrees from the up"), e.getMessage());
  }

  @Test
  void aSteepGivenVectorTheUprightSearchCannotJudgePasses() {
    SunRgbdScene s = SunRgbdScene.load("sunrgbd-000001");
    double[] steep = rotateAboutX(s.gtUp(), 80);
    assertDoesNotThrow(() -> lifter.checkGivenUp(s.depth(), s.intrinsics(), steep));
  }

  @Test
  void noDepthSurfacesMeansNothingContradictsTheGivenVector() {
    int w = 64, h = 48;
    float[] d = new float[w * h]; // no valid depth at all
    assertDoesNotThrow(
        () ->
            lifter.checkGivenUp(
                new DepthImage(w, h, d),
                new CameraIntrinsics(50, 50, 32, 24),
                new double[] {0, 1, 0}));
  }
}
