package dev.spatialvqa.transforms.mix;

import dev.spatialvqa.core.mix.ChatFormat;
import dev.spatialvqa.core.mix.ReasoningFormat;
import dev.spatialvqa.core.mix.TokenCounter;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.MatchResult;

/**
 * Which tokenizer and chat format count the mix's tokens: a {@code tokenizer.json} path (any Beam
 * filesystem: local, {@code gs://}, ...) or the default (MiniLM-L6's WordPiece from the classpath,
 * see {@link TokenCounter}), the chat format, image tokens per conversation and whether the
 * tokenizer's special tokens are counted. Immutable and serialisable; {@link #open()} loads the
 * tokenizer.
 */
public final class TokenizerSpec implements Serializable {
  private static final long serialVersionUID = 2L;

  /** LLaVA-1.5's vision tokens per image (CLIP ViT-L/14 at 336 px: 24 x 24 patches). */
  public static final int DEFAULT_IMAGE_TOKENS = 576;

  private final String path;
  private final String chatFormat;
  private final int imageTokens;
  private final boolean addSpecialTokens;
  private final String reasoning;

  private TokenizerSpec(String path, String chatFormat, int imageTokens, boolean addSpecialTokens) {
    this(path, chatFormat, imageTokens, addSpecialTokens, ReasoningFormat.NONE);
  }

  private TokenizerSpec(
      String path, String chatFormat, int imageTokens, boolean addSpecialTokens, String reasoning) {
    this.path = path;
    this.chatFormat = chatFormat;
    this.imageTokens = imageTokens;
    this.addSpecialTokens = addSpecialTokens;
    this.reasoning = reasoning;
  }

  /**
   * How export will put reasoning traces in the assistant turn ({@link ReasoningFormat}: none,
   * think or a template), so that the gate counts the assistant text export writes.
   */
  public TokenizerSpec withReasoning(String spec) {
    ReasoningFormat.of(spec); // validates
    return new TokenizerSpec(path, chatFormat, imageTokens, addSpecialTokens, spec);
  }

  public ReasoningFormat reasoning() {
    return ReasoningFormat.of(reasoning);
  }

  /**
   * The default tokenizer, chat format {@value ChatFormat#DEFAULT}, 576 image tokens per
   * conversation.
   */
  public static TokenizerSpec defaults() {
    return new TokenizerSpec(null, ChatFormat.DEFAULT, DEFAULT_IMAGE_TOKENS, true);
  }

  /** A tokenizer.json path, or null/blank for the default tokenizer. */
  public TokenizerSpec withTokenizerPath(String tokenizerPath) {
    return new TokenizerSpec(
        tokenizerPath == null || tokenizerPath.isBlank() ? null : tokenizerPath,
        chatFormat,
        imageTokens,
        addSpecialTokens,
        reasoning);
  }

  public TokenizerSpec withChatFormat(String nameOrTemplate) {
    ChatFormat.of(nameOrTemplate); // validates
    return new TokenizerSpec(path, nameOrTemplate, imageTokens, addSpecialTokens, reasoning);
  }

  public TokenizerSpec withImageTokens(int n) {
    if (n < 0 || n > 1_000_000) {
      throw new IllegalArgumentException("imageTokens must be in [0, 1000000], got " + n);
    }
    return new TokenizerSpec(path, chatFormat, n, addSpecialTokens, reasoning);
  }

  public TokenizerSpec withAddSpecialTokens(boolean add) {
    return new TokenizerSpec(path, chatFormat, imageTokens, add, reasoning);
  }

  /** The tokenizer.json path, or null for the default. */
  public String path() {
    return path;
  }

  public ChatFormat chatFormat() {
    return ChatFormat.of(chatFormat);
  }

  public int imageTokens() {
    return imageTokens;
  }

  /** Loads the tokenizer (reads the file through Beam's filesystems). */
  public TokenCounter open() {
    if (path == null) {
      return TokenCounter.load(
          TokenCounter.DEFAULT_NAME,
          TokenCounter.defaultTokenizerJson(),
          chatFormat(),
          imageTokens,
          addSpecialTokens);
    }
    return TokenCounter.load(
        fileName(path), readAll(path), chatFormat(), imageTokens, addSpecialTokens);
  }

  /** The tokenizer's id ({@code name@sha256-prefix}); loads it once to validate the file. */
  public String id() {
    return costs().id;
  }

  /** What a conversation and a turn cost with this tokenizer and chat format (loads it once). */
  public Costs costs() {
    try (TokenCounter c = open()) {
      return new Costs(
          c.id(), c.specialTokensPerConversation(), c.templateTokensPerTurn(), imageTokens);
    }
  }

  /** The fixed parts of the accounting, as measured with the tokenizer. */
  public static final class Costs implements Serializable {
    private static final long serialVersionUID = 1L;

    public final String id;
    public final long specialTokensPerConversation;
    public final long templateTokensPerTurn;
    public final int imageTokensPerConversation;

    Costs(String id, long special, long template, int image) {
      this.id = id;
      this.specialTokensPerConversation = special;
      this.templateTokensPerTurn = template;
      this.imageTokensPerConversation = image;
    }

    /** Image plus special tokens: what a conversation costs once. */
    public long conversationTokens() {
      return specialTokensPerConversation + imageTokensPerConversation;
    }
  }

  private static String fileName(String p) {
    String s = p.endsWith("/") ? p.substring(0, p.length() - 1) : p;
    return s.substring(s.lastIndexOf('/') + 1);
  }

  private static byte[] readAll(String spec) {
    try {
      MatchResult.Metadata m = FileSystems.matchSingleFileSpec(spec);
      try (InputStream in = Channels.newInputStream(FileSystems.open(m.resourceId()))) {
        return in.readAllBytes();
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read tokenizer " + spec, e);
    }
  }
}
