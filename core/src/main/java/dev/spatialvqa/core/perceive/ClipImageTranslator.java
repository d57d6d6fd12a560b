package dev.spatialvqa.core.perceive;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.NoBatchifyTranslator;
import ai.djl.translate.TranslatorContext;
import dev.spatialvqa.core.image.RgbImage;
import dev.spatialvqa.core.math.Vectors;
import java.util.List;

/**
 * CLIP vision tower: a batch of images to L2-normalised {@code image_embeds}. Input {@code
 * pixel_values} float32 [N,3,224,224] (see {@link Preprocess#clip}); output {@code image_embeds}
 * float32 [N,D].
 */
public final class ClipImageTranslator implements NoBatchifyTranslator<List<RgbImage>, float[][]> {
  @Override
  public NDList processInput(TranslatorContext ctx, List<RgbImage> images) {
    int n = images.size();
    int per = 3 * Preprocess.CLIP_SIZE * Preprocess.CLIP_SIZE;
    float[] batch = new float[n * per];
    for (int i = 0; i < n; i++) {
      System.arraycopy(Preprocess.clip(images.get(i)), 0, batch, i * per, per);
    }
    NDArray x =
        ctx.getNDManager()
            .create(batch, new Shape(n, 3, Preprocess.CLIP_SIZE, Preprocess.CLIP_SIZE));
    x.setName("pixel_values");
    return new NDList(x);
  }

  @Override
  public float[][] processOutput(TranslatorContext ctx, NDList list) {
    NDArray e = Outputs.named(list, "image_embeds");
    long[] s = e.getShape().getShape();
    float[][] rows = Vectors.rows(e.toFloatArray(), (int) s[0], (int) s[1]);
    for (int i = 0; i < rows.length; i++) {
      rows[i] = Vectors.normalizedExact(rows[i]);
    }
    return rows;
  }
}
