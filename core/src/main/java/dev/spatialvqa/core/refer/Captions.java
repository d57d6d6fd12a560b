package dev.spatialvqa.core.refer;

import dev.spatialvqa.core.metrics.Counts;
import dev.spatialvqa.schemas.SceneObject;
import dev.spatialvqa.schemas.SceneRecord;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Cleans object captions before they reach questions. Captions come from models (a captioner's
 * decoder can leak {@code </s>} or {@code <loc_12>}) and from manifests; a chat or image token in a
 * question ({@code <image>}, {@code <|im_end|>}) breaks the image-token alignment of chat training,
 * and control characters break tokenizers and viewers.
 *
 * <p>Rules, in order: every special token of the list (exact, case-insensitive) is removed; so is
 * anything shaped like one ({@code <|...|>}, {@code <...>} without spaces, {@code [CLS]}-style
 * upper-case bracket tokens); control, format, private-use and unpaired surrogate characters are
 * removed; whitespace runs become one space. A caption left empty, or longer than {@code maxChars},
 * is refused (the object is not referred to).
 */
public final class Captions implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Default cap on a caption's length in characters (a referring phrase, not a paragraph). */
  public static final int DEFAULT_MAX_CHARS = 80;

  /** The built-in special tokens (tokenizer, chat template and image placeholders). */
  public static final List<String> DEFAULT_SPECIAL_TOKENS =
      List.of(
          "<s>",
          "</s>",
          "<pad>",
          "<unk>",
          "<mask>",
          "<bos>",
          "<eos>",
          "<image>",
          "</image>",
          "<img>",
          "</img>",
          "<video>",
          "<|endoftext|>",
          "<|im_start|>",
          "<|im_end|>",
          "<start_of_image>",
          "<end_of_image>",
          "<start_of_turn>",
          "<end_of_turn>",
          "[CLS]",
          "[SEP]",
          "[PAD]",
          "[MASK]",
          "[UNK]",
          "[INST]",
          "[/INST]",
          "<<SYS>>",
          "<</SYS>>");

  private static final Pattern TOKEN_SHAPED =
      Pattern.compile("<\\|[^<>|]{0,64}\\|>|</?[A-Za-z_][^<>\\s]{0,40}>|\\[/?[A-Z_]{2,16}\\]");
  private static final Pattern SPACES = Pattern.compile("\\s+");

  /** Why a caption was refused. */
  public enum Refusal {
    EMPTY("caption_empty"),
    TOO_LONG("caption_too_long");

    private final String reason;

    Refusal(String reason) {
      this.reason = reason;
    }

    /** The counter suffix ({@code objects_filtered.<reason>}). */
    public String reason() {
      return reason;
    }
  }

  /** A cleaned caption, or the refusal; {@code changed} when cleaning altered the text. */
  public record Result(String caption, Refusal refusal, boolean changed) {}

  private final List<String> specialTokens;
  private final int maxChars;

  private Captions(List<String> specialTokens, int maxChars) {
    this.specialTokens = List.copyOf(specialTokens);
    this.maxChars = maxChars;
  }

  public static Captions defaults() {
    return new Captions(DEFAULT_SPECIAL_TOKENS, DEFAULT_MAX_CHARS);
  }

  /** Adds tokens to the built-in list (a model's own special tokens). */
  public Captions withExtraTokens(List<String> extra) {
    List<String> all = new ArrayList<>(specialTokens);
    for (String t : extra) {
      if (t != null && !t.isBlank()) {
        all.add(t.trim());
      }
    }
    return new Captions(all, maxChars);
  }

  public Captions withMaxChars(int max) {
    if (max < 8 || max > 10_000) {
      throw new IllegalArgumentException("maxCaptionChars must be in [8, 10000], got " + max);
    }
    return new Captions(specialTokens, max);
  }

  public int maxChars() {
    return maxChars;
  }

  public List<String> specialTokens() {
    return specialTokens;
  }

  /**
   * The scene with every object's caption cleaned; objects whose caption is refused are left out
   * and counted as {@code objects_filtered.caption_empty} / {@code caption_too_long}; altered
   * captions are counted as {@code captions_cleaned}.
   */
  public SceneRecord cleanObjects(SceneRecord scene, Counts counts) {
    List<SceneObject> kept = new ArrayList<>(scene.getObjects().size());
    boolean any = false;
    for (SceneObject o : scene.getObjects()) {
      Result r = clean(o.getCaption());
      if (r.refusal() != null) {
        counts.inc(Counts.OBJECTS_FILTERED + r.refusal().reason(), 1);
        any = true;
        continue;
      }
      if (r.changed()) {
        counts.inc("captions_cleaned", 1);
        any = true;
        kept.add(SceneObject.newBuilder(o).setCaption(r.caption()).build());
      } else {
        kept.add(o);
      }
    }
    return any ? SceneRecord.newBuilder(scene).setObjects(kept).build() : scene;
  }

  public Result clean(String raw) {
    String s = raw == null ? "" : raw;
    String lower = s.toLowerCase(Locale.ROOT);
    for (String t : specialTokens) {
      String tl = t.toLowerCase(Locale.ROOT);
      int i;
      while ((i = lower.indexOf(tl)) >= 0) {
        s = s.substring(0, i) + " " + s.substring(i + t.length());
        lower = s.toLowerCase(Locale.ROOT);
      }
    }
    s = TOKEN_SHAPED.matcher(s).replaceAll(" ");
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); ) {
      int cp = s.codePointAt(i);
      i += Character.charCount(cp);
      int type = Character.getType(cp);
      if (Character.isWhitespace(cp)) {
        b.append(' ');
      } else if (type != Character.CONTROL
          && type != Character.FORMAT
          && type != Character.PRIVATE_USE
          && type != Character.SURROGATE
          && type != Character.UNASSIGNED) {
        b.appendCodePoint(cp);
      }
    }
    String out = SPACES.matcher(b).replaceAll(" ").strip();
    boolean changed = !out.equals(raw);
    if (out.isEmpty()) {
      return new Result(null, Refusal.EMPTY, changed);
    }
    if (out.length() > maxChars) {
      return new Result(null, Refusal.TOO_LONG, changed);
    }
    return new Result(out, null, changed);
  }
}
