package dev.spatialvqa.core.perceive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spatialvqa.core.image.RgbImage;
import org.junit.jupiter.api.Test;

class PreprocessTest {
  static RgbImage solid(int w, int h, int rgb) {
    int[] px = new int[w * h];
    java.util.Arrays.fill(px, rgb);
    return new RgbImage(w, h, px);
  }

  @Test
  void clipNormalisesWithClipMeanStd() {
    float[] x = Preprocess.clip(solid(300, 200, 0xFF8000));
    int plane = 224 * 224;
    assertEquals(3 * plane, x.length);
    assertEquals((1f - Preprocess.CLIP_MEAN[0]) / Preprocess.CLIP_STD[0], x[0], 1e-5);
    assertEquals(
        (128f / 255f - Preprocess.CLIP_MEAN[1]) / Preprocess.CLIP_STD[1], x[plane + 500], 1e-5);
    assertEquals(
        (0f - Preprocess.CLIP_MEAN[2]) / Preprocess.CLIP_STD[2], x[2 * plane + plane - 1], 1e-5);
  }

  @Test
  void clipCentreCropsTheLongSide() {
    // 448x224: no resize (short side already 224), crop columns 112..335
    int[] px = new int[448 * 224];
    for (int y = 0; y < 224; y++) {
      for (int x = 0; x < 448; x++) {
        px[y * 448 + x] = x; // blue channel = x mod 256
      }
    }
    float[] out = Preprocess.clip(new RgbImage(448, 224, px));
    int plane = 224 * 224;
    float first = out[2 * plane] * Preprocess.CLIP_STD[2] + Preprocess.CLIP_MEAN[2];
    assertEquals(112f / 255f, first, 1e-5);
  }

  @Test
  void samResizesLongestSideTo1024AndZeroPads() {
    Preprocess.SamInput in = Preprocess.sam(solid(640, 480, 0x7B7467)); // 123,116,103 ~= SAM mean
    assertEquals(1024, in.resizedWidth());
    assertEquals(768, in.resizedHeight());
    assertEquals(1.6, in.scale(), 1e-12);
    assertEquals((123 - 123.675f) / 58.395f, in.pixels()[0], 1e-5);
    assertEquals(0f, in.pixels()[800 * 1024 + 10], 0f);
  }

  private static double clipNorm(double v255) {
    return (v255 / 255.0 - Preprocess.CLIP_MEAN[0]) / Preprocess.CLIP_STD[0];
  }

  /**
   * HF Owlv2ImageProcessor on a 480x240 grey-200 image: rescale, pad the bottom with 0.0 to
   * 480x480, scipy zoom (order 1, grid_mode, mirror) to 960 = factor 0.5, no blur (factor < 1).
   * Output row y samples input row (y + 0.5) * 0.5 - 0.5; the values below follow by hand.
   */
  @Test
  void owlv2PadsWithZeroAndInterpolatesLinearlyAtPixelCentres() {
    float[] x = Preprocess.owlv2(solid(480, 240, 0xC8C8C8)); // 200
    int s = Preprocess.OWLV2_SIZE;
    // row 0 samples -0.25: mirror(-1) = row 1, both image rows
    assertEquals(clipNorm(200), x[10], 1e-4);
    // row 479 samples 239.25: 0.75 x row 239 (200) + 0.25 x row 240 (padding 0)
    assertEquals(clipNorm(150), x[479 * s + 10], 1e-4);
    // row 480 samples 239.75: 0.25 x 200
    assertEquals(clipNorm(50), x[480 * s + 10], 1e-4);
    // row 481 and below: padding, 0.0 (HF's old grey 0.5 would give clipNorm(127.5))
    assertEquals(clipNorm(0), x[481 * s + 10], 1e-4);
    assertEquals(clipNorm(0), x[(s - 1) * s + s - 1], 1e-4);
  }

  /**
   * Shrinking by 2 (a 1920x960 grey-200 image padded to 1920x1920): HF blurs with a Gaussian of
   * sigma (2 - 1) / 2 = 0.5 (scipy: radius int(4 x 0.5 + 0.5) = 2, weights exp(-2 k^2) normalised,
   * mirror edges), then samples row (y + 0.5) x 2 - 0.5 = 2y + 0.5 linearly.
   */
  @Test
  void owlv2BlursBeforeShrinkingAsScikitImageDoes() {
    float[] x = Preprocess.owlv2(solid(1920, 960, 0xC8C8C8));
    int s = Preprocess.OWLV2_SIZE;
    double g1 = Math.exp(-2);
    double g2 = Math.exp(-8);
    double sum = 1 + 2 * g1 + 2 * g2;
    // blurred rows near the edge at 960 (rows < 960 are 200, rows >= 960 are 0)
    double b958 = 200 * (g2 + g1 + 1 + g1) / sum; // rows 956..960: 960 is padding
    double b959 = 200 * (g2 + g1 + 1) / sum; // rows 957..961
    double b960 = 200 * (g2 + g1) / sum; // rows 958..962
    double b961 = 200 * g2 / sum; // rows 959..963
    assertEquals(clipNorm(200), x[478 * s + 500], 1e-4); // samples 956.5: rows 956, 957 = 200
    assertEquals(clipNorm(0.5 * (b958 + b959)), x[479 * s + 500], 1e-4); // 958.5
    assertEquals(clipNorm(0.5 * (b960 + b961)), x[480 * s + 500], 1e-4); // 960.5
    assertEquals(clipNorm(0), x[482 * s + 500], 1e-4); // 964.5: rows 962..967 all padding
  }

  private static void assertDepthSize(int w, int h, int ew, int eh) {
    assertEquals(new Preprocess.Size(ew, eh), Preprocess.depthSize(w, h), w + "x" + h);
  }

  @Test
  void depthSizeKeepsAspectWithShortSide518AndMultiplesOf14() {
    assertDepthSize(640, 480, 686, 518); // 690.67 / 14 = 49.33 -> 49 * 14
    assertDepthSize(480, 640, 518, 686); // portrait
    assertDepthSize(518, 518, 518, 518);
    assertDepthSize(1000, 1000, 518, 518);
    assertDepthSize(1920, 1080, 924, 518); // 920.89 / 14 = 65.78 -> 66 * 14
    assertDepthSize(4032, 3024, 686, 518); // huge photo: shrinks, same aspect as 640x480
    assertDepthSize(1, 1, 518, 518); // tiny: grows
    assertDepthSize(3, 2, 784, 518); // 777 / 14 = 55.5 -> half to even: 56
    assertDepthSize(5, 2, 1288, 518); // 1295 / 14 = 92.5 -> half to even: 92, not 93 (1302)
  }

  @Test
  void depthSizeRefusesAbsurdAspectRatios() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Preprocess.depthSize(3_000_000, 1));
    assertTrue(e.getMessage().contains("3000000x1"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Preprocess.depthSize(0, 10));
  }

  @Test
  void depthNormalisesWithImageNetMeanStdAtTheGivenSize() {
    Preprocess.Size size = Preprocess.depthSize(640, 480);
    float[] x = Preprocess.depth(solid(640, 480, 0xFF8000), size);
    int plane = 686 * 518;
    assertEquals(3 * plane, x.length);
    assertEquals((1f - Preprocess.IMAGENET_MEAN[0]) / Preprocess.IMAGENET_STD[0], x[0], 1e-5);
    assertEquals(
        (128f / 255f - Preprocess.IMAGENET_MEAN[1]) / Preprocess.IMAGENET_STD[1],
        x[plane + 700],
        1e-5);
    assertEquals(
        (0f - Preprocess.IMAGENET_MEAN[2]) / Preprocess.IMAGENET_STD[2], x[3 * plane - 1], 1e-5);
  }

  @Test
  void exifOrientationSixRotatesClockwise() {
    // stored 2x1: [A B]; orientation 6 shows it rotated 90 degrees clockwise: 1x2 [A; B]
    RgbImage o = RgbImage.orient(new RgbImage(2, 1, new int[] {0xA, 0xB}), 6);
    assertEquals(1, o.width());
    assertEquals(2, o.height());
    assertEquals(0xA, o.rgb()[0]);
    assertEquals(0xB, o.rgb()[1]);
  }
}
