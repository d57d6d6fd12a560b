package dev.spatialvqa.core.models;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The signature a role's model must have: required inputs and outputs (by name, dtype, rank and
 * fixed dimensions), plus optional outputs that are used when present (e.g. a focal length
 * predicted next to depth), plus groups of input axes that must be all fixed or all dynamic (e.g.
 * an image's height and width: a fixed size or any size, never half of each). Extra outputs are
 * ignored; extra inputs are an error (we could not feed them).
 */
public record ModelContract(
    List<TensorSpec> inputs,
    List<TensorSpec> outputs,
    List<TensorSpec> optionalOutputs,
    List<AxisGroup> fixedTogether)
    implements java.io.Serializable {
  /**
   * Axes of one input that are either all fixed or all dynamic in an acceptable export.
   *
   * @param what what the axes mean, for the error message (e.g. "height and width")
   */
  public record AxisGroup(String input, List<Integer> axes, String what)
      implements java.io.Serializable {
    public AxisGroup {
      axes = List.copyOf(axes);
      if (axes.size() < 2) {
        throw new IllegalArgumentException("an axis group needs two or more axes, got " + axes);
      }
    }
  }

  public ModelContract {
    inputs = List.copyOf(inputs);
    outputs = List.copyOf(outputs);
    optionalOutputs = List.copyOf(optionalOutputs);
    fixedTogether = List.copyOf(fixedTogether);
  }

  public ModelContract(
      List<TensorSpec> inputs, List<TensorSpec> outputs, List<TensorSpec> optionalOutputs) {
    this(inputs, outputs, optionalOutputs, List.of());
  }

  public static ModelContract of(List<TensorSpec> inputs, List<TensorSpec> outputs) {
    return new ModelContract(inputs, outputs, List.of());
  }

  /**
   * Every way the actual signature differs from this contract; empty when it fits.
   *
   * @param actualInputs the model's inputs by name
   * @param actualOutputs the model's outputs by name
   */
  public List<String> differences(
      Map<String, TensorSpec> actualInputs, Map<String, TensorSpec> actualOutputs) {
    List<String> diffs = new ArrayList<>();
    for (TensorSpec e : inputs) {
      TensorSpec a = actualInputs.get(e.name());
      if (a == null) {
        diffs.add("missing input " + e + " (model has inputs " + actualInputs.values() + ")");
      } else if (e.mismatch(a) != null) {
        diffs.add("input " + e.mismatch(a));
      }
    }
    for (String name : actualInputs.keySet()) {
      if (inputs.stream().noneMatch(t -> t.name().equals(name))) {
        diffs.add("unexpected input " + actualInputs.get(name) + " (expected only " + inputs + ")");
      }
    }
    for (AxisGroup g : fixedTogether) {
      TensorSpec a = actualInputs.get(g.input());
      if (a == null || g.axes().stream().anyMatch(ax -> ax >= a.rank())) {
        continue; // reported above as missing or of the wrong rank
      }
      long fixed = g.axes().stream().filter(ax -> a.shape()[ax] >= 0).count();
      if (fixed != 0 && fixed != g.axes().size()) {
        diffs.add(
            "input "
                + a
                + ": "
                + g.what()
                + " (axes "
                + g.axes()
                + ") must be all fixed or all dynamic; a half-fixed export is not supported");
      }
    }
    for (TensorSpec e : outputs) {
      TensorSpec a = actualOutputs.get(e.name());
      if (a == null) {
        diffs.add("missing output " + e + " (model has outputs " + actualOutputs.values() + ")");
      } else if (e.mismatch(a) != null) {
        diffs.add("output " + e.mismatch(a));
      }
    }
    for (TensorSpec e : optionalOutputs) {
      TensorSpec a = actualOutputs.get(e.name());
      if (a != null && e.mismatch(a) != null) {
        diffs.add("optional output " + e.mismatch(a));
      }
    }
    return diffs;
  }
}
