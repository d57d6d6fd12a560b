package dev.spatialvqa.pipelines.graph;

import java.util.List;

/**
 * An input named as {@code KIND:VALUE} on the command line (e.g. {@code manifest:scenes.jsonl}).
 */
public record InputSpec(String kind, String value) {
  /** Input kinds the engine knows. */
  public static final List<String> KINDS = List.of("manifest", "urls", "watch", "kafka", "pubsub");

  public static InputSpec parse(String spec) {
    if (spec == null || spec.isBlank()) {
      throw new IllegalArgumentException(
          "--input is required, as KIND:VALUE with KIND one of " + KINDS);
    }
    int colon = spec.indexOf(':');
    if (colon <= 0 || colon == spec.length() - 1) {
      throw new IllegalArgumentException(
          "--input must be KIND:VALUE with KIND one of " + KINDS + ", got '" + spec + "'");
    }
    String kind = spec.substring(0, colon);
    if (!KINDS.contains(kind)) {
      throw new IllegalArgumentException(
          "unknown input kind '" + kind + "' in --input=" + spec + "; known kinds: " + KINDS);
    }
    return new InputSpec(kind, spec.substring(colon + 1));
  }
}
