package dev.spatialvqa.core.mix;

import java.util.Locale;

/**
 * How {@code export} groups QA into training conversations, and so how the mix gate charges them.
 * The gate's accounting unit is the conversation that export will write:
 *
 * <ul>
 *   <li>{@link #PER_IMAGE} ({@code per_image}, the default, what {@code export --format=messages}
 *       and {@code --format=llava} write by default): one conversation per image, one
 *       user/assistant turn per admitted QA. The image's vision tokens and the tokenizer's special
 *       tokens are charged <b>once per image</b>, on its first admitted turn; every further turn
 *       costs its own text.
 *   <li>{@link #PER_QA} ({@code per_qa}): every QA is its own single-turn conversation that carries
 *       its image, so every QA pays the image and special tokens.
 * </ul>
 */
public enum ExportLayout {
  PER_IMAGE("per_image"),
  PER_QA("per_qa");

  public static final ExportLayout DEFAULT = PER_IMAGE;

  private final String id;

  ExportLayout(String id) {
    this.id = id;
  }

  /** The name used on command lines, in accounting records and in {@code mixture.json}. */
  public String id() {
    return id;
  }

  /** The conversation a QA belongs to: its image URI (per image) or its QA id (per QA). */
  public String conversationKey(String imageUri, String qaId) {
    return this == PER_IMAGE ? "image:" + imageUri : "qa:" + qaId;
  }

  /** {@code per_image} or {@code per_qa} (case-insensitive, {@code -} for {@code _}). */
  public static ExportLayout parse(String s) {
    if (s == null || s.isBlank()) {
      return DEFAULT;
    }
    String k = s.trim().toLowerCase(Locale.ROOT).replace('-', '_');
    for (ExportLayout l : values()) {
      if (l.id.equals(k)) {
        return l;
      }
    }
    throw new IllegalArgumentException(
        "export layout must be per_image or per_qa, got '" + s + "'");
  }

  @Override
  public String toString() {
    return id;
  }
}
