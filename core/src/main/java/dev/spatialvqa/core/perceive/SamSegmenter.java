package dev.spatialvqa.core.perceive;

import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.NoBatchifyTranslator;
import ai.djl.translate.TranslateException;
import ai.djl.translate.TranslatorContext;
import dev.spatialvqa.core.image.RgbImage;
import dev.spatialvqa.core.lift.MaskBits;
import dev.spatialvqa.core.models.ModelPool;
import dev.spatialvqa.core.models.ModelRole;
import java.util.ArrayList;
import java.util.List;

/**
 * Box-prompted SAM / MobileSAM. Encoder contract: {@code image} float32 [1,3,1024,1024] (see {@link
 * Preprocess#sam}) to {@code image_embeddings} float32 [1,256,64,64]. Decoder contract
 * (segment-anything's {@code export_onnx_model.py}, single-mask output): {@code image_embeddings},
 * {@code point_coords} float32 [1,2,2] = the box's corners in the 1024 frame (x * newW / W, y *
 * newH / H), {@code point_labels} float32 [1,2] = [2, 3] (box corners), {@code mask_input} zeros
 * [1,1,256,256], {@code has_mask_input} [0], {@code orig_im_size} [H, W]; outputs {@code masks}
 * [1,K,H,W] logits (pixel in mask when > 0) and {@code iou_predictions} [1,K]; the mask with the
 * best predicted IoU is kept, packed as {@link MaskBits}.
 */
public final class SamSegmenter implements AutoCloseable {
  /** One box's mask (packed bits, image size) and SAM's predicted IoU. */
  public record Mask(byte[] bits, double iou) {}

  private record Prompt(
      float[] embeddings, int width, int height, double sx, double sy, Region box) {}

  private final ModelPool.Lease encoderLease;
  private final ModelPool.Lease decoderLease;
  private final Predictor<RgbImage, Prompt> encoder;
  private final Predictor<Prompt, Mask> decoder;

  public SamSegmenter(ModelPool.Lease encoderLease, ModelPool.Lease decoderLease) {
    if (encoderLease.spec().role() != ModelRole.SAM_ENCODER
        || decoderLease.spec().role() != ModelRole.SAM_DECODER) {
      throw new IllegalArgumentException("SamSegmenter needs sam_encoder and sam_decoder models");
    }
    this.encoderLease = encoderLease;
    this.decoderLease = decoderLease;
    this.encoder = encoderLease.newPredictor(new EncoderTranslator());
    this.decoder = decoderLease.newPredictor(new DecoderTranslator());
  }

  public String id() {
    return encoderLease.spec().id() + "+" + decoderLease.spec().id();
  }

  /** One mask per box, in order. */
  public List<Mask> segment(RgbImage image, List<Region> boxes) {
    if (boxes.isEmpty()) {
      return List.of();
    }
    try {
      Prompt enc = encoderLease.predict(encoder, image);
      List<Mask> out = new ArrayList<>(boxes.size());
      for (Region r : boxes) {
        out.add(
            decoderLease.predict(
                decoder, new Prompt(enc.embeddings, enc.width, enc.height, enc.sx, enc.sy, r)));
      }
      return out;
    } catch (TranslateException e) {
      throw new IllegalStateException("SAM segmentation failed: " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    encoder.close();
    decoder.close();
    encoderLease.close();
    decoderLease.close();
  }

  private static final class EncoderTranslator implements NoBatchifyTranslator<RgbImage, Prompt> {
    @Override
    public NDList processInput(TranslatorContext ctx, RgbImage img) {
      Preprocess.SamInput in = Preprocess.sam(img);
      ctx.setAttachment(
          "size",
          new double[] {
            img.width(),
            img.height(),
            (double) in.resizedWidth() / img.width(),
            (double) in.resizedHeight() / img.height()
          });
      NDArray x =
          ctx.getNDManager()
              .create(in.pixels(), new Shape(1, 3, Preprocess.SAM_SIZE, Preprocess.SAM_SIZE));
      x.setName("image");
      return new NDList(x);
    }

    @Override
    public Prompt processOutput(TranslatorContext ctx, NDList list) {
      double[] s = (double[]) ctx.getAttachment("size");
      return new Prompt(
          Outputs.named(list, "image_embeddings").toFloatArray(),
          (int) s[0],
          (int) s[1],
          s[2],
          s[3],
          null);
    }
  }

  private static final class DecoderTranslator implements NoBatchifyTranslator<Prompt, Mask> {
    @Override
    public NDList processInput(TranslatorContext ctx, Prompt p) {
      NDManager m = ctx.getNDManager();
      ctx.setAttachment("size", new int[] {p.width, p.height});
      NDArray emb = m.create(p.embeddings, new Shape(1, 256, 64, 64));
      emb.setName("image_embeddings");
      NDArray coords =
          m.create(
              new float[] {
                (float) (p.box.x0() * p.sx), (float) (p.box.y0() * p.sy),
                (float) (p.box.x1() * p.sx), (float) (p.box.y1() * p.sy)
              },
              new Shape(1, 2, 2));
      coords.setName("point_coords");
      NDArray labels = m.create(new float[] {2f, 3f}, new Shape(1, 2));
      labels.setName("point_labels");
      NDArray maskIn = m.zeros(new Shape(1, 1, 256, 256));
      maskIn.setName("mask_input");
      NDArray has = m.create(new float[] {0f}, new Shape(1));
      has.setName("has_mask_input");
      NDArray size = m.create(new float[] {p.height, p.width}, new Shape(2));
      size.setName("orig_im_size");
      return new NDList(emb, coords, labels, maskIn, has, size);
    }

    @Override
    public Mask processOutput(TranslatorContext ctx, NDList list) {
      int[] wh = (int[]) ctx.getAttachment("size");
      NDArray masks = Outputs.named(list, "masks");
      long[] s = masks.getShape().getShape();
      int k = (int) s[1];
      int h = (int) s[2];
      int w = (int) s[3];
      if (w != wh[0] || h != wh[1]) {
        throw new IllegalStateException(
            "SAM decoder returned "
                + w
                + "x"
                + h
                + " masks for a "
                + wh[0]
                + "x"
                + wh[1]
                + " image");
      }
      float[] iou = Outputs.named(list, "iou_predictions").toFloatArray();
      int best = 0;
      for (int i = 1; i < k; i++) {
        if (iou[i] > iou[best]) {
          best = i;
        }
      }
      float[] logits = masks.toFloatArray();
      byte[] bits = MaskBits.allocate(w, h);
      int off = best * w * h;
      for (int i = 0; i < w * h; i++) {
        if (logits[off + i] > 0f) {
          MaskBits.set(bits, i);
        }
      }
      return new Mask(bits, iou[best]);
    }
  }
}
