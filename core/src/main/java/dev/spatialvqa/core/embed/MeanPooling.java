package dev.spatialvqa.core.embed;

/**
 * Sentence-transformers pooling: the mean of the token vectors weighted by the attention mask, then
 * L2 normalisation. Pure arithmetic, separate from the model so it is tested on its own.
 */
public final class MeanPooling {
  private MeanPooling() {}

  /**
   * @param hidden last hidden state, row-major {@code [batch, seq, dim]}
   * @param mask attention mask {@code [batch][seq]} (1 = real token, 0 = padding)
   * @return {@code [batch][dim]} unit-length vectors (a row with no real token stays zero)
   */
  public static float[][] meanPoolNormalize(float[] hidden, long[][] mask, int seq, int dim) {
    int batch = mask.length;
    if (hidden.length != (long) batch * seq * dim) {
      throw new IllegalArgumentException(
          "hidden state has "
              + hidden.length
              + " values, expected "
              + batch
              + "*"
              + seq
              + "*"
              + dim);
    }
    float[][] out = new float[batch][dim];
    for (int b = 0; b < batch; b++) {
      double[] sum = new double[dim];
      double count = 0;
      for (int t = 0; t < seq; t++) {
        long m = t < mask[b].length ? mask[b][t] : 0;
        if (m == 0) {
          continue;
        }
        count += m;
        int base = (b * seq + t) * dim;
        for (int d = 0; d < dim; d++) {
          sum[d] += hidden[base + d] * (double) m;
        }
      }
      double norm = 0;
      for (int d = 0; d < dim; d++) {
        sum[d] /= Math.max(count, 1e-9);
        norm += sum[d] * sum[d];
      }
      norm = Math.sqrt(norm);
      if (norm > 0) {
        for (int d = 0; d < dim; d++) {
          out[b][d] = (float) (sum[d] / norm);
        }
      }
    }
    return out;
  }
}
