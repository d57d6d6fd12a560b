package dev.spatialvqa.core.models;

import java.io.Serializable;

/**
 * A user-supplied model for one role: a name (recorded in provenance), the ONNX file and its
 * sha256, the contract it must meet and, for text-conditioned roles, its {@code tokenizer.json}.
 */
public record ModelSpec(
    String name, ModelRole role, FileRef file, FileRef tokenizer, ModelContract contract)
    implements Serializable {
  /** A model for one of perception's roles, held to the role's contract. */
  public ModelSpec(String name, ModelRole role, FileRef file, FileRef tokenizer) {
    this(name, role, file, tokenizer, role.contract());
  }

  /** A model outside perception's roles (benchmarks, experiments) with its own contract. */
  public static ModelSpec custom(String name, FileRef file, ModelContract contract) {
    return new ModelSpec(name, ModelRole.CUSTOM, file, null, contract);
  }

  public ModelSpec {
    if (contract == null) {
      throw new IllegalArgumentException("model '" + name + "' needs a contract");
    }
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("model name must be set for role " + role.key());
    }
    if (role.needsTokenizer() && tokenizer == null) {
      throw new IllegalArgumentException(
          "model '" + name + "' (role " + role.key() + ") needs a tokenizer {uri, sha256}");
    }
  }

  /** name@first 12 hex digits of the sha256: what provenance records. */
  public String id() {
    return name + "@" + file.sha256().substring(0, 12);
  }
}
