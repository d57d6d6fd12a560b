package dev.spatialvqa.core.perceive;

import dev.spatialvqa.core.image.Resample;
import dev.spatialvqa.core.image.Resample.Filter;
import dev.spatialvqa.core.image.RgbImage;

/**
 * Pixel preprocessing of each supported export, as its Hugging Face / reference processor does it.
 * Every method returns planar CHW float32 for one image.
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

  /** Depth Anything V2's input size (the short side for dynamic exports) and its ViT patch. */
  public static final int DEPTH_SIZE = 518;

  public static final int DEPTH_PATCH = 14;
  public static final int OWLV2_SIZE = 960;
  public static final int SAM_SIZE = 1024;
  public static final int FLORENCE2_SIZE = 768;

  private Preprocess() {}

  /**
   * CLIPImageProcessor: resize the shortest side to 224 (bicubic, long side {@code int(224 * long /
   * short)}), centre crop 224x224 (offset {@code int((size - 224) / 2)}), scale to [0, 1],
   * normalise with CLIP mean/std.
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
    return normalise(
        p, ow, left, top, CLIP_SIZE, CLIP_SIZE, CLIP_SIZE, CLIP_SIZE, 255f, CLIP_MEAN, CLIP_STD);
  }

  /** The size a depth input is resized to. */
  public record Size(int width, int height) {
    @Override
    public String toString() {
      return width + "x" + height;
    }
  }

  /**
   * Depth Anything V2's reference resize rule ({@code Resize(518, 518, keep_aspect_ratio=True,
   * ensure_multiple_of=14, resize_method='lower_bound')}): scale = max(518 / w, 518 / h) so that
   * both sides reach at least 518; each side becomes {@code round(side * scale / 14) * 14} with
   * round half to even (numpy's {@code np.round}), or the ceiling multiple of 14 when rounding
   * falls below 518. E.g. 640x480 -> 686x518, 480x640 -> 518x686, 5x2 -> 1288x518. (Hugging Face's
   * DPTImageProcessor scales by whichever factor is nearer 1 and has no lower bound: the same for
   * images with a side of 518 or more whose nearer factor is the larger one, smaller for small
   * images, e.g. 300x200 -> 518x350 there, 784x518 here.)
   *
   * @throws IllegalArgumentException when the input tensor of one image would exceed 2^31 floats
   *     (absurd aspect ratios)
   */
  public static Size depthSize(int width, int height) {
    if (width <= 0 || height <= 0) {
      throw new IllegalArgumentException(
          "image size must be positive, got " + width + "x" + height);
    }
    double scale = Math.max((double) DEPTH_SIZE / width, (double) DEPTH_SIZE / height);
    long w = multipleOf14(scale * width);
    long h = multipleOf14(scale * height);
    if (3 * w * h > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "a "
              + width
              + "x"
              + height
              + " image gives a "
              + w
              + "x"
              + h
              + " depth input, too large for one tensor (aspect ratio too extreme)");
    }
    return new Size((int) w, (int) h);
  }

  private static long multipleOf14(double x) {
    long y = (long) (Math.rint(x / DEPTH_PATCH) * DEPTH_PATCH);
    if (y < DEPTH_SIZE) {
      y = (long) (Math.ceil(x / DEPTH_PATCH) * DEPTH_PATCH);
    }
    return y;
  }

  /**
   * Depth Anything V2: bicubic resize to {@code size} (the reference rule {@link #depthSize} for
   * exports with dynamic height/width; the fixed size, aspect not kept, for fixed exports), scale
   * to [0, 1], ImageNet mean/std. The prediction is resized back to the image.
   */
  public static float[] depth(RgbImage img, Size size) {
    int ow = size.width();
    int oh = size.height();
    float[][] p =
        Resample.resize(img.planes(), img.width(), img.height(), ow, oh, Filter.BICUBIC, true);
    return normalise(p, ow, 0, 0, ow, oh, ow, oh, 255f, IMAGENET_MEAN, IMAGENET_STD);
  }

  /**
   * Florence-2 (its CLIPImageProcessor config): bicubic resize to 768x768 without keeping the
   * aspect ratio, scale to [0, 1], ImageNet mean/std.
   */
  public static float[] florence2(RgbImage img) {
    float[][] p =
        Resample.resize(
            img.planes(),
            img.width(),
            img.height(),
            FLORENCE2_SIZE,
            FLORENCE2_SIZE,
            Filter.BICUBIC,
            true);
    return normalise(
        p,
        FLORENCE2_SIZE,
        0,
        0,
        FLORENCE2_SIZE,
        FLORENCE2_SIZE,
        FLORENCE2_SIZE,
        FLORENCE2_SIZE,
        255f,
        IMAGENET_MEAN,
        IMAGENET_STD);
  }

  /**
   * OWLv2 as the current Hugging Face {@code Owlv2ImageProcessor} does it: scale to [0, 1], pad to
   * a square at the bottom/right with 0.0 (HF padded with grey 0.5 until it matched the official
   * implementation, LVIS mAP 43.4 -> 44.0), resize to 960x960 the way its {@code resize} does
   * (scikit-image style: when shrinking, a Gaussian blur with sigma = (factor - 1) / 2 per axis,
   * truncated at 4 sigma, then linear interpolation at pixel centres, {@code (o + 0.5) * factor -
   * 0.5}, both with {@code mirror} edges), then CLIP mean/std. Boxes come back relative to the
   * padded square.
   */
  public static float[] owlv2(RgbImage img) {
    int w = img.width();
    int h = img.height();
    int s = Math.max(w, h);
    float[][] src = img.planes();
    float[][] p = new float[3][];
    Axis axis = Axis.owlv2(s, OWLV2_SIZE);
    for (int c = 0; c < 3; c++) {
      float[] sq = new float[s * s]; // zero padding
      for (int y = 0; y < h; y++) {
        System.arraycopy(src[c], y * w, sq, y * s, w);
      }
      p[c] = axis.apply2d(sq, s);
    }
    return normalise(
        p,
        OWLV2_SIZE,
        0,
        0,
        OWLV2_SIZE,
        OWLV2_SIZE,
        OWLV2_SIZE,
        OWLV2_SIZE,
        255f,
        CLIP_MEAN,
        CLIP_STD);
  }

  /**
   * One axis of OWLv2's resize as sparse weights: output {@code o} = sum over {@code k} of {@code
   * w[o][k] * in[idx[o][k]]}, the Gaussian prefilter and the linear interpolation folded together.
   */
  record Axis(int[][] idx, double[][] w) {
    static Axis owlv2(int in, int out) {
      double f = (double) in / out;
      double sigma = Math.max(0, (f - 1) / 2);
      int radius = sigma > 0 ? (int) (4.0 * sigma + 0.5) : 0;
      double[] g = new double[2 * radius + 1];
      double sum = 0;
      for (int k = -radius; k <= radius; k++) {
        g[k + radius] = sigma > 0 ? Math.exp(-0.5 * k * k / (sigma * sigma)) : 1;
        sum += g[k + radius];
      }
      for (int k = 0; k < g.length; k++) {
        g[k] /= sum;
      }
      int[][] idx = new int[out][];
      double[][] w = new double[out][];
      for (int o = 0; o < out; o++) {
        double x = (o + 0.5) * f - 0.5;
        int i0 = (int) Math.floor(x);
        double t = x - i0;
        java.util.TreeMap<Integer, Double> acc = new java.util.TreeMap<>();
        int[] taps = {mirror(i0, in), mirror(i0 + 1, in)};
        double[] lin = {1 - t, t};
        for (int j = 0; j < 2; j++) {
          if (lin[j] == 0) {
            continue;
          }
          for (int k = -radius; k <= radius; k++) {
            acc.merge(mirror(taps[j] + k, in), lin[j] * g[k + radius], Double::sum);
          }
        }
        idx[o] = acc.keySet().stream().mapToInt(Integer::intValue).toArray();
        w[o] = acc.values().stream().mapToDouble(Double::doubleValue).toArray();
      }
      return new Axis(idx, w);
    }

    /** scipy.ndimage's {@code mirror}: d c b | a b c d | c b a (edge not repeated). */
    static int mirror(int i, int n) {
      if (n == 1) {
        return 0;
      }
      int period = 2 * (n - 1);
      int m = Math.floorMod(i, period);
      return m < n ? m : period - m;
    }

    /** Applies this axis to the columns then the rows of an s x s plane. */
    float[] apply2d(float[] sq, int s) {
      int out = idx.length;
      float[] tmp = new float[s * out];
      for (int y = 0; y < s; y++) {
        int row = y * s;
        for (int o = 0; o < out; o++) {
          double v = 0;
          for (int k = 0; k < idx[o].length; k++) {
            v += w[o][k] * sq[row + idx[o][k]];
          }
          tmp[y * out + o] = (float) v;
        }
      }
      float[] res = new float[out * out];
      for (int o = 0; o < out; o++) {
        for (int x = 0; x < out; x++) {
          double v = 0;
          for (int k = 0; k < idx[o].length; k++) {
            v += w[o][k] * tmp[idx[o][k] * out + x];
          }
          res[o * out + x] = (float) v;
        }
      }
      return res;
    }
  }

  /** SAM's input: the resized image's size and the scale from image to model pixels. */
  public record SamInput(float[] pixels, int resizedWidth, int resizedHeight, double scale) {}

  /**
   * SAM / MobileSAM ResizeLongestSide(1024): long side to 1024 (bilinear, sizes {@code int(side *
   * scale + 0.5)}), normalise on the 0-255 scale with SAM mean/std, zero-pad bottom/right to
   * 1024x1024.
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
      float[][] p,
      int stride,
      int left,
      int top,
      int cw,
      int ch,
      int ow,
      int oh,
      float div,
      float[] mean,
      float[] std) {
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
