package dev.spatialvqa.core.perceive;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.NoBatchifyTranslator;
import ai.djl.translate.TranslateException;
import ai.djl.translate.TranslatorContext;
import dev.spatialvqa.core.image.RgbImage;
import dev.spatialvqa.core.models.ModelConfig.DetectorSettings;
import dev.spatialvqa.core.models.ModelException;
import dev.spatialvqa.core.models.ModelPool;
import dev.spatialvqa.core.models.ModelRole;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * OWLv2 open-vocabulary detector (e.g. {@code google/owlv2-base-patch16-ensemble} exported with
 * optimum). Contract: {@code input_ids} / {@code attention_mask} int64 [N*Q,16] (the vocabulary's
 * queries "a photo of a LABEL", tokenized once with the export's tokenizer.json, padded to 16 and
 * repeated per image), {@code pixel_values} float32 [N,3,960,960] (see {@link Preprocess#owlv2});
 * outputs {@code logits} [N,P,Q] and {@code pred_boxes} [N,P,4] (cx, cy, w, h relative to the
 * padded square). An export with a fixed batch axis gets that many images per call (found at
 * start-up from its signature). Post-processing: per patch the best query, score = sigmoid(logit),
 * threshold, boxes scaled to pixels and clipped to the image, per-label NMS, at most {@code
 * max_objects}.
 */
public final class Owlv2Detector implements RegionProposer {
  public static final int TEXT_LENGTH = 16;

  private final ModelPool.Lease lease;
  private final DetectorSettings settings;
  private final Predictor<List<RgbImage>, List<List<Region>>> predictor;
  private final int maxImagesPerCall;

  public Owlv2Detector(ModelPool.Lease lease, DetectorSettings settings) {
    if (lease.spec().role() != ModelRole.DETECTOR) {
      throw new IllegalArgumentException(
          "Owlv2Detector needs a detector model, got " + lease.spec().role().key());
    }
    this.lease = lease;
    this.settings = settings;
    this.maxImagesPerCall = imagesPerCall(lease, settings.vocabulary().size());
    long[] ids;
    long[] mask;
    try (HuggingFaceTokenizer tok =
        HuggingFaceTokenizer.builder()
            .optTokenizerPath(lease.tokenizer())
            .optPadding(true)
            .optPadToMaxLength()
            .optMaxLength(TEXT_LENGTH)
            .optTruncation(true)
            .build()) {
      List<String> queries = settings.vocabulary().stream().map(l -> "a photo of a " + l).toList();
      Encoding[] enc = tok.batchEncode(queries);
      ids = new long[queries.size() * TEXT_LENGTH];
      mask = new long[queries.size() * TEXT_LENGTH];
      for (int q = 0; q < enc.length; q++) {
        long[] id = enc[q].getIds();
        long[] m = enc[q].getAttentionMask();
        System.arraycopy(id, 0, ids, q * TEXT_LENGTH, Math.min(TEXT_LENGTH, id.length));
        System.arraycopy(m, 0, mask, q * TEXT_LENGTH, Math.min(TEXT_LENGTH, m.length));
      }
    } catch (IOException e) {
      throw new ModelException(
          "model '" + lease.spec().name() + "': cannot load tokenizer: " + e.getMessage(), e);
    }
    this.predictor = lease.newPredictor(new Translator(ids, mask, settings));
  }

  @Override
  public String id() {
    return lease.spec().id();
  }

  /**
   * How many images one model call takes: the export's fixed batch of {@code pixel_values} (some
   * public exports fix it, e.g. at 1), else any number (0). A fixed {@code input_ids} batch must be
   * that many images times the vocabulary's queries.
   */
  static int imagesPerCall(ModelPool.Lease lease, int queries) {
    if (lease.signature() == null) {
      return 0;
    }
    var px = lease.signature().inputs().get("pixel_values");
    var ids = lease.signature().inputs().get("input_ids");
    long b = px == null ? -1 : px.shape()[0];
    long q = ids == null ? -1 : ids.shape()[0];
    if (q > 0 && q != (b > 0 ? b : 1) * queries) {
      throw new ModelException(
          "model '"
              + lease.spec().name()
              + "' (role detector): input_ids has a fixed first dimension "
              + q
              + ", but "
              + (b > 0 ? b : 1)
              + " image(s) x "
              + queries
              + " vocabulary queries need "
              + (b > 0 ? b : 1) * queries
              + "; match detector.vocabulary to the export or export with a dynamic query axis");
    }
    if (b > 0) {
      return (int) b;
    }
    return q > 0 ? 1 : 0;
  }

  /** Images per model call, 0 = the whole batch (the export's batch axis is dynamic). */
  public int maxImagesPerCall() {
    return maxImagesPerCall;
  }

  @Override
  public List<List<Region>> propose(List<RgbImage> images) {
    try {
      if (maxImagesPerCall <= 0 || images.isEmpty()) {
        return lease.predict(predictor, images);
      }
      List<List<Region>> out = new ArrayList<>(images.size());
      for (int i = 0; i < images.size(); i += maxImagesPerCall) {
        List<RgbImage> chunk =
            new ArrayList<>(images.subList(i, Math.min(images.size(), i + maxImagesPerCall)));
        int real = chunk.size();
        while (chunk.size() < maxImagesPerCall) {
          chunk.add(chunk.get(real - 1)); // a fixed batch must be full; the copies are dropped
        }
        out.addAll(lease.predict(predictor, chunk).subList(0, real));
      }
      return out;
    } catch (TranslateException e) {
      throw new IllegalStateException("OWLv2 detection failed: " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    predictor.close();
    lease.close();
  }

  private static final class Translator
      implements NoBatchifyTranslator<List<RgbImage>, List<List<Region>>> {
    private final long[] ids;
    private final long[] mask;
    private final DetectorSettings settings;

    Translator(long[] ids, long[] mask, DetectorSettings settings) {
      this.ids = ids;
      this.mask = mask;
      this.settings = settings;
    }

    @Override
    public NDList processInput(TranslatorContext ctx, List<RgbImage> images) {
      int n = images.size();
      int q = settings.vocabulary().size();
      int s = Preprocess.OWLV2_SIZE;
      int per = 3 * s * s;
      float[] px = new float[n * per];
      int[][] sizes = new int[n][];
      for (int i = 0; i < n; i++) {
        System.arraycopy(Preprocess.owlv2(images.get(i)), 0, px, i * per, per);
        sizes[i] = new int[] {images.get(i).width(), images.get(i).height()};
      }
      ctx.setAttachment("sizes", sizes);
      long[] allIds = new long[n * ids.length];
      long[] allMask = new long[n * mask.length];
      for (int i = 0; i < n; i++) {
        System.arraycopy(ids, 0, allIds, i * ids.length, ids.length);
        System.arraycopy(mask, 0, allMask, i * mask.length, mask.length);
      }
      NDManager m = ctx.getNDManager();
      NDArray a = m.create(allIds, new Shape((long) n * q, TEXT_LENGTH));
      a.setName("input_ids");
      NDArray b = m.create(px, new Shape(n, 3, s, s));
      b.setName("pixel_values");
      NDArray c = m.create(allMask, new Shape((long) n * q, TEXT_LENGTH));
      c.setName("attention_mask");
      return new NDList(a, b, c);
    }

    @Override
    public List<List<Region>> processOutput(TranslatorContext ctx, NDList list) {
      int[][] sizes = (int[][]) ctx.getAttachment("sizes");
      NDArray logits = Outputs.named(list, "logits");
      long[] ls = logits.getShape().getShape();
      int p = (int) ls[1];
      int q = (int) ls[2];
      float[] lg = logits.toFloatArray();
      float[] bx = Outputs.named(list, "pred_boxes").toFloatArray();
      List<List<Region>> out = new ArrayList<>();
      for (int i = 0; i < sizes.length; i++) {
        int w = sizes[i][0];
        int h = sizes[i][1];
        double side = Math.max(w, h);
        List<Region> cands = new ArrayList<>();
        for (int k = 0; k < p; k++) {
          int best = 0;
          int base = (i * p + k) * q;
          for (int j = 1; j < q; j++) {
            if (lg[base + j] > lg[base + best]) {
              best = j;
            }
          }
          double score = 1 / (1 + Math.exp(-lg[base + best]));
          if (score < settings.scoreThreshold()) {
            continue;
          }
          int b = (i * p + k) * 4;
          double cx = bx[b] * side;
          double cy = bx[b + 1] * side;
          double bw = bx[b + 2] * side;
          double bh = bx[b + 3] * side;
          double x0 = clamp(cx - bw / 2, w);
          double y0 = clamp(cy - bh / 2, h);
          double x1 = clamp(cx + bw / 2, w);
          double y1 = clamp(cy + bh / 2, h);
          if (x1 - x0 < 1 || y1 - y0 < 1) {
            continue;
          }
          cands.add(new Region(x0, y0, x1, y1, settings.vocabulary().get(best), score));
        }
        out.add(Nms.perCaption(cands, settings.nmsIou(), settings.maxObjects()));
      }
      return out;
    }

    private static double clamp(double v, int max) {
      return Math.max(0, Math.min(max, v));
    }
  }
}
