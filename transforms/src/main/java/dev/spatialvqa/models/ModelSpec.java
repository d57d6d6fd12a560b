package dev.spatialvqa.models;

import java.io.Serializable;

/**
 * A user-supplied model for one role: a name (recorded in provenance), the ONNX file and its
 * sha256, the contract it must meet and, for text-conditioned roles, its {@code tokenizer.json}.
 */
public record ModelSpec(String name, ModelRole role, FileRef file, FileRef tokenizer)
    implements Serializable {
  public ModelSpec {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("model name must be set for role " + role.key());
    }
    if (role.needsTokenizer() && tokenizer == null) {
      throw new IllegalArgumentException(
          "model '" + name + "' (role " + role.key() + ") needs a tokenizer {uri, sha256}");
    }
  }

  public ModelContract contract() {
    return role.contract();
  }

  /** name@first 12 hex digits of the sha256: what provenance records. */
  public String id() {
    return name + "@" + file.sha256().substring(0, 12);
  }
}
