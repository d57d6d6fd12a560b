package dev.spatialvqa.core.split;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Held-out splits by scene: {@code train:0.98,eval:0.02}. A scene's set is decided by a stable hash
 * of its id alone (SHA-256, the first 64 bits as a fraction of 2^64 against the cumulative shares),
 * so it never depends on which other scenes a run holds, on order, or on the machine; every QA of a
 * scene lands in the same set, and a scene stays in its set when the data grows.
 */
public final class SceneSplit {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,40}");
  private static final double SUM_TOLERANCE = 1e-6;

  private final List<String> names;
  private final double[] cumulative;

  private SceneSplit(List<String> names, double[] cumulative) {
    this.names = List.copyOf(names);
    this.cumulative = cumulative;
  }

  /**
   * Parses {@code NAME:SHARE[,NAME:SHARE]...}: names of letters, digits, '_' or '-', each once;
   * shares in (0, 1] that add up to 1.
   */
  public static SceneSplit parse(String spec) {
    if (spec == null || spec.isBlank()) {
      throw new IllegalArgumentException("--split needs NAME:SHARE,..., e.g. train:0.98,eval:0.02");
    }
    List<String> names = new ArrayList<>();
    List<Double> shares = new ArrayList<>();
    Set<String> seen = new LinkedHashSet<>();
    for (String part : spec.split(",", -1)) {
      String[] kv = part.trim().split(":", -1);
      if (kv.length != 2 || !NAME.matcher(kv[0].trim()).matches()) {
        throw new IllegalArgumentException(
            "--split part '" + part + "' is not NAME:SHARE (name of letters, digits, _ or -)");
      }
      String name = kv[0].trim();
      double share;
      try {
        share = Double.parseDouble(kv[1].trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "--split share of '" + name + "' is not a number: " + kv[1]);
      }
      if (!(share > 0 && share <= 1)) {
        throw new IllegalArgumentException(
            "--split share of '" + name + "' must be in (0, 1], got " + kv[1].trim());
      }
      if (!seen.add(name)) {
        throw new IllegalArgumentException("--split names '" + name + "' twice");
      }
      names.add(name);
      shares.add(share);
    }
    double sum = shares.stream().mapToDouble(Double::doubleValue).sum();
    if (Math.abs(sum - 1) > SUM_TOLERANCE) {
      throw new IllegalArgumentException("--split shares must add up to 1, they add up to " + sum);
    }
    double[] cum = new double[shares.size()];
    double acc = 0;
    for (int i = 0; i < cum.length; i++) {
      acc += shares.get(i) / sum;
      cum[i] = acc;
    }
    cum[cum.length - 1] = 1.0;
    return new SceneSplit(names, cum);
  }

  public List<String> names() {
    return names;
  }

  /** The scene's place in [0, 1): the first 64 bits of SHA-256 of its id, over 2^64. */
  public static double position(String sceneId) {
    try {
      byte[] h =
          MessageDigest.getInstance("SHA-256")
              .digest(("spatialvqa-split\u0000" + sceneId).getBytes(StandardCharsets.UTF_8));
      long v = 0;
      for (int i = 0; i < 8; i++) {
        v = (v << 8) | (h[i] & 0xff);
      }
      // unsigned 64-bit value over 2^64, from its top 53 bits (exact in a double)
      return (v >>> 11) / (double) (1L << 53);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The set a scene belongs to. */
  public String assign(String sceneId) {
    double p = position(sceneId);
    for (int i = 0; i < cumulative.length; i++) {
      if (p < cumulative[i]) {
        return names.get(i);
      }
    }
    return names.get(names.size() - 1);
  }

  /**
   * The set of an image whose QA come from the given scenes (normally one): the set of the smallest
   * scene id, so that an image is never split across sets.
   */
  public String assignImage(Collection<String> sceneIds) {
    return assign(sceneIds.stream().sorted().findFirst().orElseThrow());
  }

  /** Scene ids per set, in the order of the spec. */
  public Map<String, List<String>> group(Collection<String> sceneIds) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    for (String n : names) {
      out.put(n, new ArrayList<>());
    }
    for (String s : sceneIds) {
      out.get(assign(s)).add(s);
    }
    return out;
  }
}
