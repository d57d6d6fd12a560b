package dev.spatialvqa.core.load;

import java.io.IOException;

/** Reads a whole file named by URI or path, up to a byte cap. */
@FunctionalInterface
public interface BlobReader {
  /**
   * @throws InputException {@code missing_file} when there is no such file, {@code too_large} past
   *     the cap
   * @throws IOException for transient failures (retried by the runner)
   */
  byte[] read(String uri, long maxBytes) throws InputException, IOException;

  /** Web URLs are not manifest files: web images go through the fetcher ({@code urls:} input). */
  static void refuseWebUri(String uri) throws InputException {
    if (uri.startsWith("http://") || uri.startsWith("https://")) {
      throw new InputException(
          "unsupported_uri",
          "manifest files must be on a filesystem (path, file:, gs://); fetch web images with a"
              + " urls: input: "
              + uri);
    }
  }
}
