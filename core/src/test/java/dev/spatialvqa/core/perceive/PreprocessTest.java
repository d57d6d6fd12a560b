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

  @Test
  void owlv2PadsBottomRightWithGrey() {
    float[] x = Preprocess.owlv2(solid(200, 100, 0x000000));
    int s = Preprocess.OWLV2_SIZE;
    assertEquals((0f - Preprocess.CLIP_MEAN[0]) / Preprocess.CLIP_STD[0], x[10 * s + 10], 1e-4);
    assertEquals(
        (0.5f - Preprocess.CLIP_MEAN[0]) / Preprocess.CLIP_STD[0], x[(s - 10) * s + 10], 1e-4);
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
