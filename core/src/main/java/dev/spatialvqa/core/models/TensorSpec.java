package dev.spatialvqa.core.models;

import java.util.Arrays;

/**
 * One named tensor of a model's signature: element type and shape, {@code -1} for a dynamic axis
 * (batch, sequence length, number of queries...).
 */
public record TensorSpec(String name, String dtype, long[] shape) implements java.io.Serializable {
  public static TensorSpec of(String name, String dtype, long... shape) {
    return new TensorSpec(name, dtype, shape);
  }

  public int rank() {
    return shape.length;
  }

  /** Describes how {@code actual} differs from this expectation, or returns null when it fits. */
  public String mismatch(TensorSpec actual) {
    StringBuilder sb = new StringBuilder();
    if (!dtype.equals(actual.dtype)) {
      sb.append("dtype ").append(actual.dtype).append(" (expected ").append(dtype).append(")");
    }
    if (actual.rank() != rank()) {
      if (sb.length() > 0) {
        sb.append(", ");
      }
      sb.append("rank ")
          .append(actual.rank())
          .append(" ")
          .append(render(actual.shape))
          .append(" (expected ")
          .append(rank())
          .append(" ")
          .append(render(shape))
          .append(")");
    } else {
      for (int i = 0; i < shape.length; i++) {
        long e = shape[i];
        long a = actual.shape[i];
        if (e >= 0 && a >= 0 && e != a) {
          if (sb.length() > 0) {
            sb.append(", ");
          }
          sb.append("shape ")
              .append(render(actual.shape))
              .append(" (expected ")
              .append(render(shape))
              .append(")");
          break;
        }
      }
    }
    return sb.length() == 0 ? null : name + ": " + sb;
  }

  public static String render(long[] shape) {
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0; i < shape.length; i++) {
      sb.append(i == 0 ? "" : ",").append(shape[i] < 0 ? "?" : Long.toString(shape[i]));
    }
    return sb.append("]").toString();
  }

  @Override
  public String toString() {
    return name + " " + dtype + render(shape);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TensorSpec t
        && t.name.equals(name)
        && t.dtype.equals(dtype)
        && Arrays.equals(t.shape, shape);
  }

  @Override
  public int hashCode() {
    return name.hashCode() * 31 + Arrays.hashCode(shape);
  }
}
