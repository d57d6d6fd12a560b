package dev.spatialvqa.core.lift;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CameraIntrinsicsTest {
  @ParameterizedTest
  @CsvSource({
    // real cameras: Kinect (SUN RGB-D), KITTI, a phone main camera, a 600 mm telephoto, 2x
    // anamorphic
    "529.5, 529.5, 364, 264, 730, 530",
    "721.5377, 721.5377, 609.5593, 172.854, 1242, 375",
    "3000, 3000, 2016, 1512, 4032, 3024",
    "30000, 30000, 1000, 750, 2000, 1500",
    "1000, 500, 960, 540, 1920, 1080"
  })
  void plausibleIntrinsicsPass(double fx, double fy, double cx, double cy, int w, int h) {
    assertDoesNotThrow(() -> new CameraIntrinsics(fx, fy, cx, cy).validate(w, h));
  }

  @ParameterizedTest
  @CsvSource({
    "1e300, 1e300, 364, 264, field of view",
    "5295, 52.95, 364, 264, fx/fy",
    "529.5, 52.95, 364, 264, fx/fy",
    "529.5, 1200, 364, 264, fx/fy",
    "20, 20, 364, 264, field of view",
    "529.5, 529.5, 900, 264, principal point",
    "0, 529.5, 364, 264, positive"
  })
  void implausibleIntrinsicsNameTheRule(double fx, double fy, double cx, double cy, String rule) {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new CameraIntrinsics(fx, fy, cx, cy).validate(730, 530));
    assertTrue(e.getMessage().contains(rule), e.getMessage());
  }
}
