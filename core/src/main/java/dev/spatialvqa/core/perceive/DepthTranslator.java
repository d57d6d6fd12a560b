package dev.spatialvqa.core.perceive;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.NoBatchifyTranslator;
import ai.djl.translate.TranslatorContext;
import dev.spatialvqa.core.image.Resample;
import dev.spatialvqa.core.image.RgbImage;
import dev.spatialvqa.core.models.ModelException;
import dev.spatialvqa.core.models.ModelPool;
import dev.spatialvqa.core.models.TensorSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * Depth Anything V2 Metric: {@code pixel_values} float32 [N,3,h',w'] (see {@link Preprocess#depth})
 * to {@code predicted_depth} float32 [N,h'',w''] in metres, resized back to each image's size
 * (bilinear, antialiased when shrinking). The input size follows the export's signature: an export
 * with dynamic height and width gets the reference keep-aspect size ({@link Preprocess#depthSize},
 * e.g. 640x480 -> 686x518); an export with a fixed size (518x518) gets that size, aspect not kept.
 * One call takes images of one input size only ({@link DepthEstimator} groups a batch by size). A
 * model that also outputs {@code focal_length_px} float32 [N] (focal length in input pixels) has it
 * converted to the image's pixels: fx = f * width / w', fy = f * height / h'.
 */
public final class DepthTranslator
    implements NoBatchifyTranslator<List<RgbImage>, List<DepthPrediction>> {
  private static final String SIZES = "sizes";
  private static final String INPUT = "input";

  private final Preprocess.Size fixed;

  private DepthTranslator(Preprocess.Size fixed) {
    this.fixed = fixed;
  }

  /** For exports with dynamic height and width: the reference keep-aspect rule. */
  public static DepthTranslator keepAspect() {
    return new DepthTranslator(null);
  }

  /** For exports with a fixed input size: every image is squashed to it. */
  public static DepthTranslator fixed(int width, int height) {
    return new DepthTranslator(new Preprocess.Size(width, height));
  }

  /** The translator the leased depth model's {@code pixel_values} signature calls for. */
  public static DepthTranslator forModel(ModelPool.Lease lease) {
    TensorSpec in = lease.signature().inputs().get("pixel_values");
    String model = "model '" + lease.spec().name() + "' (role " + lease.spec().role().key() + ")";
    if (in == null || in.rank() != 4) {
      throw new ModelException(
          model + " has no pixel_values [N,3,H,W] input: " + lease.signature().inputs().values());
    }
    long h = in.shape()[2];
    long w = in.shape()[3];
    if (h < 0 && w < 0) {
      return keepAspect();
    }
    if (h >= 0 && w >= 0) {
      return fixed((int) w, (int) h);
    }
    throw new ModelException(
        model
            + " input "
            + in
            + ": height and width must be both fixed or both"
            + " dynamic; a half-fixed export is not supported");
  }

  /** The size an image of this size is resized to for the model. */
  public Preprocess.Size inputSize(int width, int height) {
    return fixed != null ? fixed : Preprocess.depthSize(width, height);
  }

  /** True when every image is squashed to one fixed size. */
  public boolean isFixed() {
    return fixed != null;
  }

  @Override
  public NDList processInput(TranslatorContext ctx, List<RgbImage> images) {
    int n = images.size();
    if (n == 0) {
      throw new IllegalArgumentException("a depth batch needs at least one image");
    }
    Preprocess.Size size = inputSize(images.get(0).width(), images.get(0).height());
    int per = 3 * size.width() * size.height();
    float[] batch = new float[Math.multiplyExact(n, per)];
    int[][] sizes = new int[n][];
    for (int i = 0; i < n; i++) {
      RgbImage img = images.get(i);
      Preprocess.Size s = inputSize(img.width(), img.height());
      if (!s.equals(size)) {
        throw new IllegalArgumentException(
            "one depth call takes one input size; image "
                + i
                + " ("
                + img.width()
                + "x"
                + img.height()
                + ") needs "
                + s
                + ", image 0 needs "
                + size
                + " (group the batch by size, see DepthEstimator)");
      }
      System.arraycopy(Preprocess.depth(img, size), 0, batch, i * per, per);
      sizes[i] = new int[] {img.width(), img.height()};
    }
    ctx.setAttachment(SIZES, sizes);
    ctx.setAttachment(INPUT, size);
    NDArray x = ctx.getNDManager().create(batch, new Shape(n, 3, size.height(), size.width()));
    x.setName("pixel_values");
    return new NDList(x);
  }

  @Override
  public List<DepthPrediction> processOutput(TranslatorContext ctx, NDList list) {
    int[][] sizes = (int[][]) ctx.getAttachment(SIZES);
    Preprocess.Size in = (Preprocess.Size) ctx.getAttachment(INPUT);
    NDArray d = Outputs.named(list, "predicted_depth");
    long[] sh = d.getShape().getShape();
    int oh = (int) sh[sh.length - 2];
    int ow = (int) sh[sh.length - 1];
    float[] flat = d.toFloatArray();
    if (flat.length != sizes.length * ow * oh) {
      throw new IllegalStateException(
          "predicted_depth has shape "
              + d.getShape()
              + " for a batch of "
              + sizes.length
              + " images");
    }
    NDArray focal = Outputs.optional(list, "focal_length_px");
    float[] f = focal == null ? null : focal.toFloatArray();
    List<DepthPrediction> out = new ArrayList<>(sizes.length);
    for (int i = 0; i < sizes.length; i++) {
      float[] one = new float[ow * oh];
      System.arraycopy(flat, i * ow * oh, one, 0, ow * oh);
      int w = sizes[i][0];
      int h = sizes[i][1];
      float[] resized = Resample.resize(one, ow, oh, w, h, Resample.Filter.BILINEAR, false);
      Double fx = f == null ? null : (double) f[i] * w / in.width();
      Double fy = f == null ? null : (double) f[i] * h / in.height();
      out.add(new DepthPrediction(w, h, resized, fx, fy));
    }
    return out;
  }
}
