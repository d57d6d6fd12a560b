package dev.spatialvqa.core.embed;

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
import dev.spatialvqa.core.models.ModelException;
import dev.spatialvqa.core.models.ModelPool;
import dev.spatialvqa.core.models.ModelResolver;
import dev.spatialvqa.core.models.ModelRole;
import dev.spatialvqa.core.models.ModelSpec;
import java.io.IOException;
import java.util.List;

/**
 * CLIP's text tower (e.g. the {@code openai/clip-vit-base-patch32} ONNX export): texts are
 * tokenized with the export's {@code tokenizer.json} through DJL's HF tokenizers (truncated to
 * CLIP's 77-token context, padded to the batch's longest), fed as {@code input_ids} and {@code
 * attention_mask} int64 [N,L] ({@code input_ids} alone when the export takes no mask, as Xenova's
 * {@code text_model.onnx}); {@code text_embeds} float32 [N,512] comes back L2-normalised. Not
 * thread-safe: one per DoFn instance; the loaded model is shared through the {@link ModelPool}.
 */
public final class ClipTextEmbedder implements TextEmbedder {
  /** CLIP's text context length. */
  public static final int MAX_TOKENS = 77;

  private final ModelPool.Lease lease;
  private final HuggingFaceTokenizer tokenizer;
  private final Predictor<List<String>, float[][]> predictor;

  public ClipTextEmbedder(ModelPool.Lease lease) {
    if (lease.spec().role() != ModelRole.CLIP_TEXT) {
      throw new IllegalArgumentException(
          "ClipTextEmbedder needs a clip_text model, got role " + lease.spec().role().key());
    }
    this.lease = lease;
    try {
      this.tokenizer =
          HuggingFaceTokenizer.builder()
              .optTokenizerPath(lease.tokenizer())
              .optPadding(true)
              .optTruncation(true)
              .optMaxLength(MAX_TOKENS)
              .build();
    } catch (IOException e) {
      throw new ModelException(
          "model '"
              + lease.spec().name()
              + "': cannot load tokenizer "
              + lease.tokenizer()
              + ": "
              + e.getMessage(),
          e);
    }
    boolean mask =
        lease.signature() == null || lease.signature().inputs().containsKey("attention_mask");
    this.predictor = lease.newPredictor(new Translator(tokenizer, mask));
  }

  /**
   * For {@code --embedder=clip:CONFIG} ({@link TextEmbedders}): CONFIG is the perception model
   * config (a local path or {@code file:} URI readable on the worker); its {@code clip_text} model
   * runs on the CPU pool.
   */
  public static ClipTextEmbedder create(String config) {
    java.nio.file.Path path =
        config.startsWith("file:")
            ? java.nio.file.Path.of(java.net.URI.create(config))
            : java.nio.file.Path.of(config);
    dev.spatialvqa.core.models.ModelConfig cfg = dev.spatialvqa.core.models.ModelConfig.read(path);
    ModelSpec spec =
        cfg.model(ModelRole.CLIP_TEXT)
            .orElseThrow(
                () ->
                    new ModelException(
                        "model config "
                            + config
                            + " names no clip_text model (needed by --embedder=clip:CONFIG)"));
    return open(
        spec,
        ModelPool.shared(ModelPool.Settings.cpu()),
        ModelResolver.withDefaults(cfg.cachePath(), List.of()));
  }

  /** Leases the model from the pool (resolving and verifying it on first use in this JVM). */
  public static ClipTextEmbedder open(ModelSpec spec, ModelPool pool, ModelResolver resolver) {
    return new ClipTextEmbedder(pool.lease(spec, resolver));
  }

  @Override
  public String id() {
    return lease.spec().id();
  }

  @Override
  public int dimension() {
    return (int) ModelRole.CLIP_TEXT.contract().outputs().get(0).shape()[1];
  }

  @Override
  public float[][] embed(List<String> texts) {
    if (texts.isEmpty()) {
      return new float[0][];
    }
    try {
      return lease.predict(predictor, texts);
    } catch (TranslateException e) {
      throw new IllegalStateException("clip text embedding failed: " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    predictor.close();
    tokenizer.close();
    lease.close();
  }

  private static final class Translator implements NoBatchifyTranslator<List<String>, float[][]> {
    private final HuggingFaceTokenizer tokenizer;
    private final boolean feedMask;

    Translator(HuggingFaceTokenizer tokenizer, boolean feedMask) {
      this.tokenizer = tokenizer;
      this.feedMask = feedMask;
    }

    @Override
    public NDList processInput(TranslatorContext ctx, List<String> texts) {
      Encoding[] enc = tokenizer.batchEncode(texts);
      int n = enc.length;
      int len = 0;
      for (Encoding e : enc) {
        len = Math.max(len, e.getIds().length);
      }
      long[] ids = new long[n * len];
      long[] mask = new long[n * len];
      for (int i = 0; i < n; i++) {
        long[] id = enc[i].getIds();
        long[] m = enc[i].getAttentionMask();
        System.arraycopy(id, 0, ids, i * len, id.length);
        System.arraycopy(m, 0, mask, i * len, m.length);
      }
      NDManager mgr = ctx.getNDManager();
      NDArray a = mgr.create(ids, new Shape(n, len));
      a.setName("input_ids");
      if (!feedMask) {
        // an input_ids-only export (Xenova's text_model.onnx): CLIP pools at the first
        // end-of-text token under a causal mask, so the padding after it is never attended to
        return new NDList(a);
      }
      NDArray b = mgr.create(mask, new Shape(n, len));
      b.setName("attention_mask");
      return new NDList(a, b);
    }

    @Override
    public float[][] processOutput(TranslatorContext ctx, NDList list) {
      NDArray e = null;
      for (NDArray x : list) {
        if ("text_embeds".equals(x.getName())) {
          e = x;
        }
      }
      if (e == null) {
        throw new IllegalStateException("model output 'text_embeds' not found");
      }
      long[] s = e.getShape().getShape();
      float[] flat = e.toFloatArray();
      float[][] out = new float[(int) s[0]][(int) s[1]];
      for (int i = 0; i < out.length; i++) {
        double norm = 0;
        for (int j = 0; j < out[i].length; j++) {
          float v = flat[i * out[i].length + j];
          out[i][j] = v;
          norm += (double) v * v;
        }
        norm = Math.sqrt(norm);
        if (norm > 0) {
          for (int j = 0; j < out[i].length; j++) {
            out[i][j] = (float) (out[i][j] / norm);
          }
        }
      }
      return out;
    }
  }
}
