package dev.spatialvqa.core.models;

import java.io.Serializable;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A file named by URI (local path, {@code file:}, {@code gs://}, {@code https://}) with its sha256.
 */
public record FileRef(String uri, String sha256) implements Serializable {
  private static final Pattern HEX64 = Pattern.compile("[0-9a-f]{64}");

  public FileRef {
    if (uri == null || uri.isBlank()) {
      throw new IllegalArgumentException("uri must be set");
    }
    if (sha256 == null || !HEX64.matcher(sha256.toLowerCase(Locale.ROOT)).matches()) {
      throw new IllegalArgumentException(
          "sha256 of " + uri + " must be 64 hex digits, got '" + sha256 + "'");
    }
    sha256 = sha256.toLowerCase(Locale.ROOT);
  }

  /** The last path segment of the URI (used as the cached file's name). */
  public String fileName() {
    String u = uri;
    int q = u.indexOf('?');
    if (q >= 0) {
      u = u.substring(0, q);
    }
    int slash = Math.max(u.lastIndexOf('/'), u.lastIndexOf('\\'));
    String name = slash >= 0 ? u.substring(slash + 1) : u;
    return name.isEmpty() ? "model.onnx" : name;
  }
}
