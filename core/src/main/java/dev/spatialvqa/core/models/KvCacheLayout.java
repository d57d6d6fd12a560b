package dev.spatialvqa.core.models;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The key/value cache of an optimum-style seq2seq decoder export (BART, Florence-2): per layer
 * {@code i} the inputs {@code past_key_values.i.decoder.key}, {@code .decoder.value} (self
 * attention, [N,heads,T,head_dim]) and {@code .encoder.key}, {@code .encoder.value} (cross
 * attention, [N,heads,S,head_dim]), all float32; the with-past decoder returns {@code
 * present.i.decoder.key} / {@code .value} (the past plus the new token) and may also return {@code
 * present.i.encoder.*} (ignored: the cross-attention cache never changes). The number of layers is
 * read from the input names, heads and head size from their shapes (-1 when dynamic).
 */
public record KvCacheLayout(int layers, long heads, long headDim) implements java.io.Serializable {
  public static final String PAST = "past_key_values.";
  public static final String PRESENT = "present.";
  static final Pattern PAST_NAME =
      Pattern.compile("past_key_values\\.(\\d+)\\.(decoder|encoder)\\.(key|value)");

  /** The four tensors of one layer, in feeding order. */
  public static final List<String> PARTS =
      List.of("decoder.key", "decoder.value", "encoder.key", "encoder.value");

  /** {@code past_key_values.layer.part}. */
  public static String past(int layer, String part) {
    return PAST + layer + "." + part;
  }

  /** {@code present.layer.part}. */
  public static String present(int layer, String part) {
    return PRESENT + layer + "." + part;
  }

  /** Whether an input name belongs to the cache (any {@code past_key_values.*} name). */
  public static boolean isPastInput(String name) {
    return name.startsWith(PAST);
  }

  /** The layout and every way a with-past decoder's signature breaks it. */
  public record Read(KvCacheLayout layout, List<String> differences) {}

  /**
   * Reads the cache layout from a with-past decoder's inputs and checks the matching {@code
   * present.i.decoder.*} outputs.
   */
  public static Read read(Map<String, TensorSpec> inputs, Map<String, TensorSpec> outputs) {
    List<String> diffs = new ArrayList<>();
    Map<Integer, Map<String, TensorSpec>> byLayer = new TreeMap<>();
    for (TensorSpec t : inputs.values()) {
      if (!isPastInput(t.name())) {
        continue;
      }
      Matcher m = PAST_NAME.matcher(t.name());
      if (!m.matches()) {
        diffs.add(
            "unexpected input "
                + t
                + " (cache inputs are past_key_values.<layer>.<decoder|encoder>.<key|value>)");
        continue;
      }
      byLayer
          .computeIfAbsent(Integer.parseInt(m.group(1)), k -> new TreeMap<>())
          .put(m.group(2) + "." + m.group(3), t);
    }
    if (byLayer.isEmpty()) {
      diffs.add("no past_key_values.* inputs (model has inputs " + inputs.values() + ")");
      return new Read(null, diffs);
    }
    int layers = byLayer.keySet().stream().mapToInt(Integer::intValue).max().getAsInt() + 1;
    long heads = -1;
    long headDim = -1;
    for (int i = 0; i < layers; i++) {
      Map<String, TensorSpec> parts = byLayer.getOrDefault(i, Map.of());
      for (String p : PARTS) {
        TensorSpec t = parts.get(p);
        if (t == null) {
          diffs.add(
              "missing input "
                  + past(i, p)
                  + " (layers 0.."
                  + (layers - 1)
                  + " need all of "
                  + PARTS
                  + ")");
          continue;
        }
        String mis = TensorSpec.of(t.name(), "float32", -1, -1, -1, -1).mismatch(t);
        if (mis != null) {
          diffs.add("input " + mis);
          continue;
        }
        heads = agree(heads, t.shape()[1], t, "heads (axis 1)", diffs);
        headDim = agree(headDim, t.shape()[3], t, "head size (axis 3)", diffs);
      }
      for (String p : PARTS.subList(0, 2)) {
        TensorSpec o = outputs.get(present(i, p));
        if (o == null) {
          diffs.add(
              "missing output "
                  + present(i, p)
                  + " float32[?,?,?,?] (model has outputs "
                  + outputs.keySet()
                  + ")");
        } else if (TensorSpec.of(o.name(), "float32", -1, -1, -1, -1).mismatch(o) != null) {
          diffs.add("output " + TensorSpec.of(o.name(), "float32", -1, -1, -1, -1).mismatch(o));
        }
      }
    }
    return new Read(diffs.isEmpty() ? new KvCacheLayout(layers, heads, headDim) : null, diffs);
  }

  private static long agree(long known, long dim, TensorSpec t, String what, List<String> diffs) {
    if (dim < 0) {
      return known;
    }
    if (known >= 0 && known != dim) {
      diffs.add(
          "input "
              + t
              + ": "
              + what
              + " "
              + dim
              + " differs from the other cache inputs' "
              + known);
      return known;
    }
    return dim;
  }

  /**
   * How a no-past decoder ({@code decoder_model.onnx}) fails to return this cache: its outputs must
   * include {@code present.i.decoder.*} and {@code present.i.encoder.*} for every layer, float32
   * rank 4, with the same heads and head size where both are fixed.
   */
  public List<String> missingPresents(Map<String, TensorSpec> decoderOutputs) {
    List<String> diffs = new ArrayList<>();
    for (int i = 0; i < layers; i++) {
      for (String p : PARTS) {
        TensorSpec o = decoderOutputs.get(present(i, p));
        if (o == null) {
          diffs.add("missing output " + present(i, p));
          continue;
        }
        String mis = TensorSpec.of(o.name(), "float32", -1, heads, -1, headDim).mismatch(o);
        if (mis != null) {
          diffs.add("output " + mis);
        }
      }
    }
    return diffs;
  }
}
