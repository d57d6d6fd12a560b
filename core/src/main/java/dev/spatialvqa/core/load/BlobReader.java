package dev.spatialvqa.core.load;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads a whole file named by URI or path, up to a byte cap. */
@FunctionalInterface
public interface BlobReader {
  /**
   * @throws InputException {@code missing_file} when there is no such file, {@code not_a_file} for
   *     a directory, device, pipe or socket, {@code too_large} past the cap
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

  /**
   * Refuses a local path that is not a regular file: a directory is named as one, and a device
   * ({@code /dev/zero}), pipe or socket would never end or block the worker.
   */
  static void requireRegularFile(Path path, String uri) throws InputException {
    if (!Files.exists(path)) {
      throw new InputException("missing_file", "no such file: " + uri);
    }
    if (Files.isDirectory(path)) {
      throw new InputException("not_a_file", uri + " is a directory, not a file");
    }
    if (!Files.isRegularFile(path)) {
      throw new InputException(
          "not_a_file", uri + " is not a regular file (a device, pipe or socket)");
    }
  }

  /**
   * Reads a stream to its end but never more than {@code maxBytes}: a file that grows, or whose
   * size the filesystem does not report, fails with {@code too_large} instead of filling memory.
   */
  static byte[] readCapped(InputStream in, String uri, long maxBytes)
      throws InputException, IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buf = new byte[64 << 10];
    long total = 0;
    int n;
    while ((n = in.read(buf)) > 0) {
      total += n;
      if (total > maxBytes) {
        throw new InputException(
            "too_large", uri + " has more than the cap of " + maxBytes + " bytes");
      }
      out.write(buf, 0, n);
    }
    return out.toByteArray();
  }
}
