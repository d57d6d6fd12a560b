package dev.spatialvqa.embed;

import java.lang.reflect.Method;

/**
 * Builds a {@link TextEmbedder} from a spec string, so that DoFns carry a plain serialisable
 * string and build their embedder in {@code @Setup}.
 *
 * <ul>
 *   <li>{@code minilm} (the default; also null or blank): {@link MiniLmTextEmbedder}.
 *   <li>{@code minilm:BATCH}: the same with another batch size.
 *   <li>{@code clip:CONFIG}: CLIP's text tower from a user-supplied export, built by
 *       {@code dev.spatialvqa.embed.ClipTextEmbedder} (the perception work): this factory calls
 *       its {@code public static ClipTextEmbedder create(String config)} (looked up by reflection
 *       so that this class compiles without it; replace with a direct call once both are merged).
 * </ul>
 */
public final class TextEmbedders {
  public static final String DEFAULT = "minilm";
  static final String CLIP_CLASS = "dev.spatialvqa.embed.ClipTextEmbedder";

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
            "unknown embedder spec '" + spec + "': valid are 'minilm', 'minilm:BATCH', 'clip:CONFIG'");
    }
  }

  private static TextEmbedder clip(String config) {
    if (config.isEmpty()) {
      throw new IllegalArgumentException("embedder spec 'clip:CONFIG' needs a CONFIG after 'clip:'");
    }
    Class<?> c;
    try {
      c = Class.forName(CLIP_CLASS);
    } catch (ClassNotFoundException e) {
      throw new IllegalArgumentException(
          "embedder spec 'clip:" + config + "' needs " + CLIP_CLASS + ", which is not in this build");
    }
    try {
      Method m = c.getMethod("create", String.class);
      return (TextEmbedder) m.invoke(null, config);
    } catch (NoSuchMethodException e) {
      throw new IllegalStateException(CLIP_CLASS + " has no static create(String config)", e);
    } catch (ReflectiveOperationException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      if (cause instanceof RuntimeException) {
        throw (RuntimeException) cause;
      }
      throw new IllegalStateException("cannot build the CLIP text embedder: " + cause, cause);
    }
  }
}
