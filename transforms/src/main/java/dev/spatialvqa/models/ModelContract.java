package dev.spatialvqa.models;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The signature a role's model must have: required inputs and outputs (by name, dtype, rank and
 * fixed dimensions), plus optional outputs that are used when present (e.g. a focal length
 * predicted next to depth). Extra outputs are ignored; extra inputs are an error (we could not
 * feed them).
 */
public record ModelContract(
    List<TensorSpec> inputs, List<TensorSpec> outputs, List<TensorSpec> optionalOutputs)
    implements java.io.Serializable {
  public ModelContract {
    inputs = List.copyOf(inputs);
    outputs = List.copyOf(outputs);
    optionalOutputs = List.copyOf(optionalOutputs);
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
