package dev.spatialvqa.vision;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
    assertEquals((128f / 255f - Preprocess.CLIP_MEAN[1]) / Preprocess.CLIP_STD[1], x[plane + 500], 1e-5);
    assertEquals((0f - Preprocess.CLIP_MEAN[2]) / Preprocess.CLIP_STD[2], x[2 * plane + plane - 1], 1e-5);
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
    assertEquals((0.5f - Preprocess.CLIP_MEAN[0]) / Preprocess.CLIP_STD[0], x[(s - 10) * s + 10], 1e-4);
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
