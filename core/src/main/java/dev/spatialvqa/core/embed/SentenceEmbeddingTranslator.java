package dev.spatialvqa.core.embed;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.translate.NoBatchifyTranslator;
import ai.djl.translate.TranslatorContext;
import java.util.List;

/**
 * A batch of texts to a batch of unit-length sentence embeddings, for BERT-style ONNX exports with
 * inputs {@code input_ids}, {@code attention_mask}, {@code token_type_ids} (int64 {@code [batch,
 * seq]}) and output {@code last_hidden_state} (float32 {@code [batch, seq, dim]}). The batch is
 * padded to its longest text; pooling is {@link MeanPooling}.
 */
public final class SentenceEmbeddingTranslator
    implements NoBatchifyTranslator<List<String>, float[][]> {
  private static final String MASK = "mask";

  private final HuggingFaceTokenizer tokenizer;
  private final int dimension;

  public SentenceEmbeddingTranslator(HuggingFaceTokenizer tokenizer, int dimension) {
    this.tokenizer = tokenizer;
    this.dimension = dimension;
  }

  @Override
  public NDList processInput(TranslatorContext ctx, List<String> texts) {
    Encoding[] enc = tokenizer.batchEncode(texts);
    int batch = enc.length;
    int seq = 0;
    for (Encoding e : enc) {
      seq = Math.max(seq, e.getIds().length);
    }
    long[][] ids = new long[batch][seq];
    long[][] mask = new long[batch][seq];
    long[][] types = new long[batch][seq];
    for (int b = 0; b < batch; b++) {
      long[] i = enc[b].getIds();
      long[] m = enc[b].getAttentionMask();
      long[] t = enc[b].getTypeIds();
      System.arraycopy(i, 0, ids[b], 0, i.length);
      System.arraycopy(m, 0, mask[b], 0, m.length);
      System.arraycopy(t, 0, types[b], 0, t.length);
    }
    ctx.setAttachment(MASK, mask);
    NDManager manager = ctx.getNDManager();
    NDArray inputIds = manager.create(ids);
    inputIds.setName("input_ids");
    NDArray attention = manager.create(mask);
    attention.setName("attention_mask");
    NDArray typeIds = manager.create(types);
    typeIds.setName("token_type_ids");
    return new NDList(inputIds, attention, typeIds);
  }

  @Override
  public float[][] processOutput(TranslatorContext ctx, NDList list) {
    long[][] mask = (long[][]) ctx.getAttachment(MASK);
    NDArray hidden = list.get("last_hidden_state");
    if (hidden == null) {
      hidden = list.get(0);
    }
    long[] shape = hidden.getShape().getShape();
    if (shape.length != 3 || shape[0] != mask.length || shape[2] != dimension) {
      throw new IllegalStateException(
          "unexpected last_hidden_state shape "
              + hidden.getShape()
              + " for batch "
              + mask.length
              + " and dimension "
              + dimension);
    }
    return MeanPooling.meanPoolNormalize(hidden.toFloatArray(), mask, (int) shape[1], dimension);
  }
}
