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
