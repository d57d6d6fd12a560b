package dev.spatialvqa.core.perceive;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;

/** Finds a model output by name. */
final class Outputs {
  private Outputs() {}

  static NDArray named(NDList list, String name) {
    NDArray a = optional(list, name);
    if (a == null) {
      StringBuilder names = new StringBuilder();
      for (NDArray x : list) {
        names.append(x.getName()).append(' ');
      }
      throw new IllegalStateException("model output '" + name + "' not found; outputs: " + names);
    }
    return a;
  }

  static NDArray optional(NDList list, String name) {
    for (NDArray a : list) {
      if (name.equals(a.getName())) {
        return a;
      }
    }
    return null;
  }
}
