package dev.spatialvqa.vision;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.NoBatchifyTranslator;
import ai.djl.translate.TranslatorContext;
import java.util.ArrayList;
import java.util.List;

/**
 * Depth Anything V2 Metric: {@code pixel_values} float32 [N,3,518,518] (see
 * {@link Preprocess#depth}) to {@code predicted_depth} float32 [N,518,518] in metres, resized
 * back to each image's size (bilinear, antialiased when shrinking). A model that also outputs
 * {@code focal_length_px} float32 [N] (focal length in the 518x518 input's pixels) has it
 * converted to the image's pixels: fx = f * width / 518, fy = f * height / 518.
 */
public final class DepthTranslator implements NoBatchifyTranslator<List<RgbImage>, List<DepthPrediction>> {
  private static final String SIZES = "sizes";

  @Override
  public NDList processInput(TranslatorContext ctx, List<RgbImage> images) {
    int n = images.size();
    int s = Preprocess.DEPTH_SIZE;
    int per = 3 * s * s;
    float[] batch = new float[n * per];
    int[][] sizes = new int[n][];
    for (int i = 0; i < n; i++) {
      RgbImage img = images.get(i);
      System.arraycopy(Preprocess.depth(img), 0, batch, i * per, per);
      sizes[i] = new int[] {img.width(), img.height()};
    }
    ctx.setAttachment(SIZES, sizes);
    NDArray x = ctx.getNDManager().create(batch, new Shape(n, 3, s, s));
    x.setName("pixel_values");
    return new NDList(x);
  }

  @Override
  public List<DepthPrediction> processOutput(TranslatorContext ctx, NDList list) {
    int[][] sizes = (int[][]) ctx.getAttachment(SIZES);
    NDArray d = Outputs.named(list, "predicted_depth");
    long[] sh = d.getShape().getShape();
    int oh = (int) sh[sh.length - 2];
    int ow = (int) sh[sh.length - 1];
    float[] flat = d.toFloatArray();
    NDArray focal = Outputs.optional(list, "focal_length_px");
    float[] f = focal == null ? null : focal.toFloatArray();
    List<DepthPrediction> out = new ArrayList<>(sizes.length);
    for (int i = 0; i < sizes.length; i++) {
      float[] one = new float[ow * oh];
      System.arraycopy(flat, i * ow * oh, one, 0, ow * oh);
      int w = sizes[i][0];
      int h = sizes[i][1];
      float[] resized = Resample.resize(one, ow, oh, w, h, Resample.Filter.BILINEAR, false);
      Double fx = f == null ? null : (double) f[i] * w / ow;
      Double fy = f == null ? null : (double) f[i] * h / oh;
      out.add(new DepthPrediction(w, h, resized, fx, fy));
    }
    return out;
  }
}
