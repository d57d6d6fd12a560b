package dev.spatialvqa.pipelines.cli;

import java.util.ArrayList;
import java.util.List;

/** Small helpers for --key=value arguments. */
final class Args {
  private Args() {}

  /** The value of --key=VALUE, or null. */
  static String value(List<String> args, String key) {
    String prefix = "--" + key + "=";
    for (String a : args) {
      if (a.startsWith(prefix)) {
        return a.substring(prefix.length());
      }
    }
    return null;
  }

  static boolean flag(List<String> args, String key) {
    return args.contains("--" + key) || "true".equals(value(args, key));
  }

  /** Arguments that are not --options. */
  static List<String> positional(List<String> args) {
    List<String> out = new ArrayList<>();
    for (String a : args) {
      if (!a.startsWith("--")) {
        out.add(a);
      }
    }
    return out;
  }

  /**
   * The first argument that is an --option but none of {@code keys}, as an error message naming the
   * option it probably meant; null when every option is known. A typo ({@code --limt=1}) must not
   * be ignored.
   */
  static String unknownOption(List<String> args, String... keys) {
    java.util.Set<String> known = java.util.Set.of(keys);
    for (String a : args) {
      if (!a.startsWith("--")) {
        continue;
      }
      String name = a.substring(2);
      int eq = name.indexOf('=');
      if (eq >= 0) {
        name = name.substring(0, eq);
      }
      if (known.contains(name)) {
        continue;
      }
      String meant = dev.spatialvqa.core.load.FieldNames.nearMiss(name, known);
      return "unknown option --"
          + name
          + (meant != null ? " (did you mean --" + meant + "?)" : "")
          + "; options: "
          + known.stream()
              .sorted()
              .map(k -> "--" + k)
              .collect(java.util.stream.Collectors.joining(", "));
    }
    return null;
  }

  /** args without the given --key=... entries. */
  static List<String> without(List<String> args, String... keys) {
    List<String> out = new ArrayList<>();
    outer:
    for (String a : args) {
      for (String k : keys) {
        if (a.equals("--" + k) || a.startsWith("--" + k + "=")) {
          continue outer;
        }
      }
      out.add(a);
    }
    return out;
  }
}
