package dev.spatialvqa.pipelines.graph;

import dev.spatialvqa.core.dedupe.DedupeConfig;
import dev.spatialvqa.core.dedupe.ImageDedupeConfig;
import dev.spatialvqa.pipelines.options.DedupeOptions;
import java.time.Duration;
import java.util.Locale;

/** Reads {@link DedupeOptions} once into a {@link DedupeConfig} (validated, with messages). */
public final class DedupeSettings {
  private DedupeSettings() {}

  /** The scene-dedupe config (validated; messages name the option). */
  public static ImageDedupeConfig scenes(DedupeOptions o) {
    try {
      return ImageDedupeConfig.defaults()
          .withTtl(
              java.time.Duration.ofMillis(
                  ImageIngest.duration("dedupeTtl", o.getDedupeTtl()).getMillis()))
          .withMaxHammingDistance(o.getDedupeMaxHamming())
          .withClipThreshold(o.getDedupeClipThreshold())
          .withBands(o.getDedupeClipBands(), o.getDedupeClipBitsPerBand())
          .withMaxKeptPerKey(o.getDedupeSceneMaxKeptPerKey());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("bad scene dedupe option: " + e.getMessage(), e);
    }
  }

  public static DedupeConfig from(DedupeOptions o) {
    DedupeConfig.WindowKind kind;
    String w =
        o.getDedupeWindow() == null ? "" : o.getDedupeWindow().trim().toLowerCase(Locale.ROOT);
    switch (w) {
      case "fixed":
        kind = DedupeConfig.WindowKind.FIXED;
        break;
      case "sliding":
        kind = DedupeConfig.WindowKind.SLIDING;
        break;
      default:
        throw new IllegalArgumentException(
            "--dedupeWindow must be fixed or sliding, got '" + o.getDedupeWindow() + "'");
    }
    if (o.getDedupeWindowSeconds() <= 0) {
      throw new IllegalArgumentException(
          "--dedupeWindowSeconds must be > 0, got " + o.getDedupeWindowSeconds());
    }
    if (o.getDedupeAllowedLatenessSeconds() < 0) {
      throw new IllegalArgumentException(
          "--dedupeAllowedLatenessSeconds must be >= 0, got "
              + o.getDedupeAllowedLatenessSeconds());
    }
    if (dev.spatialvqa.core.refer.AmbiguityConfig.NO_EMBEDDER.equals(o.getEmbedder())) {
      // refused here, at start-up, not when the first worker opens the stage
      throw new IllegalArgumentException(
          "--embedder=none leaves QA dedupe without an embedder: drop --dedupeQaText, or name an"
              + " embedder (minilm)");
    }
    return DedupeConfig.defaults()
        .withThreshold(o.getDedupeThreshold())
        .withWindow(kind, Duration.ofSeconds(o.getDedupeWindowSeconds()))
        .withAllowedLateness(Duration.ofSeconds(o.getDedupeAllowedLatenessSeconds()))
        .withBands(o.getDedupeBands(), o.getDedupeBitsPerBand())
        .withMaxKeptPerKey(o.getDedupeMaxKeptPerKey())
        .withSeed(o.getDedupeSeed())
        .withEmbedder(o.getEmbedder());
  }
}
