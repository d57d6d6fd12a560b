package dev.spatialvqa.vision;

import dev.spatialvqa.vision.Resample.Filter;

/**
 * Pixel preprocessing of each supported export, as its Hugging Face / reference processor does
 * it. Every method returns planar CHW float32 for one image.
 */
public final class Preprocess {
  public static final float[] CLIP_MEAN = {0.48145466f, 0.4578275f, 0.40821073f};
  public static final float[] CLIP_STD = {0.26862954f, 0.26130258f, 0.27577711f};
  public static final float[] IMAGENET_MEAN = {0.485f, 0.456f, 0.406f};
  public static final float[] IMAGENET_STD = {0.229f, 0.224f, 0.225f};
  /** SAM's pixel mean/std on the 0-255 scale. */
  public static final float[] SAM_MEAN = {123.675f, 116.28f, 103.53f};
  public static final float[] SAM_STD = {58.395f, 57.12f, 57.375f};

  public static final int CLIP_SIZE = 224;
  public static final int DEPTH_SIZE = 518;
  public static final int OWLV2_SIZE = 960;
  public static final int SAM_SIZE = 1024;
  public static final int FLORENCE2_SIZE = 768;

  private Preprocess() {}

  /**
   * CLIPImageProcessor: resize the shortest side to 224 (bicubic, long side
   * {@code int(224 * long / short)}), centre crop 224x224 (offset {@code int((size - 224) / 2)}),
   * scale to [0, 1], normalise with CLIP mean/std.
   */
  public static float[] clip(RgbImage img) {
    int w = img.width();
    int h = img.height();
    int ow;
    int oh;
    if (w <= h) {
      ow = CLIP_SIZE;
      oh = (int) ((long) CLIP_SIZE * h / w);
    } else {
      oh = CLIP_SIZE;
      ow = (int) ((long) CLIP_SIZE * w / h);
    }
    float[][] p = Resample.resize(img.planes(), w, h, ow, oh, Filter.BICUBIC, true);
    int top = (oh - CLIP_SIZE) / 2;
    int left = (ow - CLIP_SIZE) / 2;
    return normalise(p, ow, left, top, CLIP_SIZE, CLIP_SIZE, CLIP_SIZE, CLIP_SIZE, 255f, CLIP_MEAN, CLIP_STD);
  }

  /**
   * Depth Anything V2 (fixed 518x518 export): bicubic resize to 518x518 (a multiple of the ViT's
   * patch 14), scale to [0, 1], ImageNet mean/std. The prediction is resized back to the image.
   */
  public static float[] depth(RgbImage img) {
    float[][] p = Resample.resize(
        img.planes(), img.width(), img.height(), DEPTH_SIZE, DEPTH_SIZE, Filter.BICUBIC, true);
    return normalise(p, DEPTH_SIZE, 0, 0, DEPTH_SIZE, DEPTH_SIZE, DEPTH_SIZE, DEPTH_SIZE, 255f,
        IMAGENET_MEAN, IMAGENET_STD);
  }

  /**
   * Florence-2 (its CLIPImageProcessor config): bicubic resize to 768x768 without keeping the
   * aspect ratio, scale to [0, 1], ImageNet mean/std.
   */
  public static float[] florence2(RgbImage img) {
    float[][] p = Resample.resize(
        img.planes(), img.width(), img.height(), FLORENCE2_SIZE, FLORENCE2_SIZE, Filter.BICUBIC, true);
    return normalise(p, FLORENCE2_SIZE, 0, 0, FLORENCE2_SIZE, FLORENCE2_SIZE, FLORENCE2_SIZE,
        FLORENCE2_SIZE, 255f, IMAGENET_MEAN, IMAGENET_STD);
  }

  /**
   * OWLv2: pad to a square at the bottom/right with grey 0.5, resize to 960x960 (bicubic,
   * antialiased), scale to [0, 1], CLIP mean/std. Boxes come back relative to the padded square.
   */
  public static float[] owlv2(RgbImage img) {
    int w = img.width();
    int h = img.height();
    int s = Math.max(w, h);
    float[][] src = img.planes();
    float[][] sq = new float[3][s * s];
    for (int c = 0; c < 3; c++) {
      java.util.Arrays.fill(sq[c], 127.5f);
      for (int y = 0; y < h; y++) {
        System.arraycopy(src[c], y * w, sq[c], y * s, w);
      }
    }
    float[][] p = Resample.resize(sq, s, s, OWLV2_SIZE, OWLV2_SIZE, Filter.BICUBIC, false);
    return normalise(p, OWLV2_SIZE, 0, 0, OWLV2_SIZE, OWLV2_SIZE, OWLV2_SIZE, OWLV2_SIZE, 255f,
        CLIP_MEAN, CLIP_STD);
  }

  /** SAM's input: the resized image's size and the scale from image to model pixels. */
  public record SamInput(float[] pixels, int resizedWidth, int resizedHeight, double scale) {}

  /**
   * SAM / MobileSAM ResizeLongestSide(1024): long side to 1024 (bilinear, sizes
   * {@code int(side * scale + 0.5)}), normalise on the 0-255 scale with SAM mean/std, zero-pad
   * bottom/right to 1024x1024.
   */
  public static SamInput sam(RgbImage img) {
    int w = img.width();
    int h = img.height();
    double scale = (double) SAM_SIZE / Math.max(w, h);
    int nw = (int) (w * scale + 0.5);
    int nh = (int) (h * scale + 0.5);
    float[][] p = Resample.resize(img.planes(), w, h, nw, nh, Filter.BILINEAR, true);
    float[] out = new float[3 * SAM_SIZE * SAM_SIZE];
    int plane = SAM_SIZE * SAM_SIZE;
    for (int c = 0; c < 3; c++) {
      for (int y = 0; y < nh; y++) {
        for (int x = 0; x < nw; x++) {
          out[c * plane + y * SAM_SIZE + x] = (p[c][y * nw + x] - SAM_MEAN[c]) / SAM_STD[c];
        }
      }
    }
    return new SamInput(out, nw, nh, scale);
  }

  private static float[] normalise(
      float[][] p, int stride, int left, int top, int cw, int ch, int ow, int oh, float div,
      float[] mean, float[] std) {
    float[] out = new float[3 * ow * oh];
    for (int c = 0; c < 3; c++) {
      int base = c * ow * oh;
      for (int y = 0; y < ch; y++) {
        int row = (y + top) * stride + left;
        for (int x = 0; x < cw; x++) {
          out[base + y * ow + x] = (p[c][row + x] / div - mean[c]) / std[c];
        }
      }
    }
    return out;
  }
}
