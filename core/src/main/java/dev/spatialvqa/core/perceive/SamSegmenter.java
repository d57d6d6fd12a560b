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
  public record Mask(byte[] bits, double iou, int outputs) {
    public Mask(byte[] bits, double iou) {
      this(bits, iou, 1);
    }
  }

  private record Prompt(
      float[] embeddings,
      float[] positional,
      int width,
      int height,
      double sx,
      double sy,
      Region box,
      boolean pad) {}

  /** How the official decoder's masks are read, learnt on the first box. */
  private enum Mode {
    UNKNOWN,
    /** masks [1,4,...] (exported without --return-single-mask): output 0 is the single mask. */
    MULTI,
    /** masks [1,1,...] (--return-single-mask): a padding point makes the export pick output 0. */
    SINGLE
  }

  private final ModelPool.Lease encoderLease;
  private final ModelPool.Lease decoderLease;
  private final Predictor<RgbImage, Prompt> encoder;
  private final Predictor<Prompt, Mask> decoder;
  private final boolean hf;
  private Mode mode = Mode.UNKNOWN;

  public SamSegmenter(ModelPool.Lease encoderLease, ModelPool.Lease decoderLease) {
    if (encoderLease.spec().role() != ModelRole.SAM_ENCODER
        || decoderLease.spec().role() != ModelRole.SAM_DECODER) {
      throw new IllegalArgumentException("SamSegmenter needs sam_encoder and sam_decoder models");
    }
    this.encoderLease = encoderLease;
    this.decoderLease = decoderLease;
    boolean hfEnc =
        encoderLease.signature() != null
            && encoderLease.signature().inputs().containsKey("pixel_values");
    this.hf =
        decoderLease.signature() != null
            && decoderLease.signature().inputs().containsKey("input_points");
    if (encoderLease.signature() != null && decoderLease.signature() != null && hfEnc != hf) {
      throw new dev.spatialvqa.core.models.ModelException(
          "sam_encoder '"
              + encoderLease.spec().name()
              + "' and sam_decoder '"
              + decoderLease.spec().name()
              + "' come from different exports (official image encoder + decoder, or the"
              + " transformers.js/optimum vision_encoder.onnx + prompt_encoder_mask_decoder.onnx):"
              + " use both files of one export");
    }
    this.encoder = encoderLease.newPredictor(new EncoderTranslator(hf));
    this.decoder =
        decoderLease.newPredictor(hf ? new HfDecoderTranslator() : new DecoderTranslator());
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
        Prompt p =
            new Prompt(
                enc.embeddings,
                enc.positional,
                enc.width,
                enc.height,
                enc.sx,
                enc.sy,
                r,
                mode == Mode.SINGLE);
        Mask m = decoderLease.predict(decoder, p);
        if (!hf && mode == Mode.UNKNOWN) {
          // a box alone is two points, for which a --return-single-mask export picks the best
          // multi-mask output; SAM's predictor uses the single-mask output for a box
          mode = m.outputs() == 1 ? Mode.SINGLE : Mode.MULTI;
          if (mode == Mode.SINGLE) {
            m =
                decoderLease.predict(
                    decoder,
                    new Prompt(
                        enc.embeddings,
                        enc.positional,
                        enc.width,
                        enc.height,
                        enc.sx,
                        enc.sy,
                        r,
                        true));
          }
        }
        out.add(m);
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
    private final boolean hf;

    EncoderTranslator(boolean hf) {
      this.hf = hf;
    }

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
      x.setName(hf ? "pixel_values" : "image");
      return new NDList(x);
    }

    @Override
    public Prompt processOutput(TranslatorContext ctx, NDList list) {
      double[] s = (double[]) ctx.getAttachment("size");
      NDArray pos = hf ? Outputs.named(list, "image_positional_embeddings") : null;
      return new Prompt(
          Outputs.named(list, "image_embeddings").toFloatArray(),
          pos == null ? null : pos.toFloatArray(),
          (int) s[0],
          (int) s[1],
          s[2],
          s[3],
          null,
          false);
    }
  }

  private static final class DecoderTranslator implements NoBatchifyTranslator<Prompt, Mask> {
    @Override
    public NDList processInput(TranslatorContext ctx, Prompt p) {
      NDManager m = ctx.getNDManager();
      ctx.setAttachment("size", new int[] {p.width, p.height});
      NDArray emb = m.create(p.embeddings, new Shape(1, 256, 64, 64));
      emb.setName("image_embeddings");
      float[] corners = corners(p);
      NDArray coords =
          p.pad
              ? m.create(
                  new float[] {corners[0], corners[1], corners[2], corners[3], 0f, 0f},
                  new Shape(1, 3, 2))
              : m.create(corners, new Shape(1, 2, 2));
      coords.setName("point_coords");
      NDArray labels =
          p.pad
              ? m.create(new float[] {2f, 3f, -1f}, new Shape(1, 3))
              : m.create(new float[] {2f, 3f}, new Shape(1, 2));
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
      // 4 outputs: SAM's single-mask token first, as SamPredictor(multimask_output=False) uses for
      // a box; 1 output: what the export selected; otherwise the best predicted IoU
      int best = 0;
      if (k != 4) {
        for (int i = 1; i < k; i++) {
          if (iou[i] > iou[best]) {
            best = i;
          }
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
      return new Mask(bits, iou[best], k);
    }
  }

  /** The box's corners in the 1024 frame (x * newW / W, y * newH / H). */
  private static float[] corners(Prompt p) {
    return new float[] {
      (float) (p.box.x0() * p.sx), (float) (p.box.y0() * p.sy),
      (float) (p.box.x1() * p.sx), (float) (p.box.y1() * p.sy)
    };
  }

  /**
   * The transformers.js / optimum {@code prompt_encoder_mask_decoder.onnx}: the box as two points
   * with SAM's box-corner labels 2 and 3 in one point batch; of the three multi-mask outputs
   * ({@code pred_masks} [1,1,3,256,256] logits) the best {@code iou_scores} one, post-processed as
   * HF's {@code post_process_masks}: bilinear to 1024x1024, cropped to the resized image, bilinear
   * to the image size, logits > 0.
   */
  private static final class HfDecoderTranslator implements NoBatchifyTranslator<Prompt, Mask> {
    @Override
    public NDList processInput(TranslatorContext ctx, Prompt p) {
      NDManager m = ctx.getNDManager();
      ctx.setAttachment(
          "size",
          new int[] {
            p.width, p.height, (int) Math.round(p.width * p.sx), (int) Math.round(p.height * p.sy)
          });
      NDArray emb = m.create(p.embeddings, new Shape(1, 256, 64, 64));
      emb.setName("image_embeddings");
      NDArray pos = m.create(p.positional, new Shape(1, 256, 64, 64));
      pos.setName("image_positional_embeddings");
      NDArray pts = m.create(corners(p), new Shape(1, 1, 2, 2));
      pts.setName("input_points");
      NDArray labels = m.create(new long[] {2, 3}, new Shape(1, 1, 2));
      labels.setName("input_labels");
      return new NDList(emb, pos, pts, labels);
    }

    @Override
    public Mask processOutput(TranslatorContext ctx, NDList list) {
      int[] sz = (int[]) ctx.getAttachment("size");
      int w = sz[0];
      int h = sz[1];
      int rw = Math.max(1, Math.min(Preprocess.SAM_SIZE, sz[2]));
      int rh = Math.max(1, Math.min(Preprocess.SAM_SIZE, sz[3]));
      NDArray masks = Outputs.named(list, "pred_masks");
      long[] s = masks.getShape().getShape();
      int k = (int) s[2];
      int mh = (int) s[3];
      int mw = (int) s[4];
      float[] iou = Outputs.named(list, "iou_scores").toFloatArray();
      int best = 0;
      for (int i = 1; i < k; i++) {
        if (iou[i] > iou[best]) {
          best = i;
        }
      }
      float[] all = masks.toFloatArray();
      float[] low = java.util.Arrays.copyOfRange(all, best * mw * mh, (best + 1) * mw * mh);
      int full = Preprocess.SAM_SIZE;
      float[] up =
          dev.spatialvqa.core.image.Resample.resize(
              low, mw, mh, full, full, dev.spatialvqa.core.image.Resample.Filter.BILINEAR, false);
      float[] crop = new float[rw * rh];
      for (int y = 0; y < rh; y++) {
        System.arraycopy(up, y * full, crop, y * rw, rw);
      }
      float[] fin =
          dev.spatialvqa.core.image.Resample.resize(
              crop, rw, rh, w, h, dev.spatialvqa.core.image.Resample.Filter.BILINEAR, false);
      byte[] bits = MaskBits.allocate(w, h);
      for (int i = 0; i < w * h; i++) {
        if (fin[i] > 0f) {
          MaskBits.set(bits, i);
        }
      }
      return new Mask(bits, iou[best], k);
    }
  }
}
