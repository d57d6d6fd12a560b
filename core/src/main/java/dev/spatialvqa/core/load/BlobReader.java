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
}
