package dev.spatialvqa.core.embed;

/**
 * Builds a {@link TextEmbedder} from a spec string, so that DoFns carry a plain serialisable string
 * and build their embedder in {@code @Setup}.
 *
 * <ul>
 *   <li>{@code minilm} (the default; also null or blank): {@link MiniLmTextEmbedder}.
 *   <li>{@code minilm:BATCH}: the same with another batch size.
 *   <li>{@code clip:CONFIG}: CLIP's text tower from a user-supplied export ({@link
 *       ClipTextEmbedder#create}: CONFIG is the perception model config naming a {@code clip_text}
 *       model).
 * </ul>
 */
public final class TextEmbedders {
  public static final String DEFAULT = "minilm";

  private TextEmbedders() {}

  public static TextEmbedder create(String spec) {
    String s = spec == null || spec.isBlank() ? DEFAULT : spec.trim();
    int colon = s.indexOf(':');
    String kind = colon < 0 ? s : s.substring(0, colon);
    String config = colon < 0 ? "" : s.substring(colon + 1);
    switch (kind) {
      case "minilm":
        if (config.isEmpty()) {
          return MiniLmTextEmbedder.create();
        }
        try {
          return MiniLmTextEmbedder.create(Integer.parseInt(config));
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException(
              "embedder spec 'minilm:" + config + "': the value after ':' is a batch size (int)");
        }
      case "clip":
        return clip(config);
      default:
        throw new IllegalArgumentException(
            "unknown embedder spec '"
                + spec
                + "': valid are 'minilm', 'minilm:BATCH', 'clip:CONFIG'");
    }
  }

  private static TextEmbedder clip(String config) {
    if (config.isEmpty()) {
      throw new IllegalArgumentException(
          "embedder spec 'clip:CONFIG' needs a CONFIG after 'clip:'");
    }
    return ClipTextEmbedder.create(config);
  }
}
