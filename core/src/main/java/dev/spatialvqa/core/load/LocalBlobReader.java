package dev.spatialvqa.core.load;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Reads local files (a path or a {@code file:} URI) for pure code and tests. Pipelines read through
 * Beam's filesystems instead ({@code transforms.load.BeamBlobReader}), which add {@code gs://};
 * both refuse web URLs and non-regular files and enforce the same byte cap with the same reasons.
 */
public final class LocalBlobReader implements BlobReader {
  @Override
  public byte[] read(String uri, long maxBytes) throws InputException, IOException {
    BlobReader.refuseWebUri(uri);
    Path path = uri.startsWith("file:") ? Path.of(java.net.URI.create(uri)) : Path.of(uri);
    BlobReader.requireRegularFile(path, uri);
    try {
      long size = Files.size(path);
      if (size > maxBytes) {
        throw new InputException(
            "too_large", uri + " has " + size + " bytes, more than the cap of " + maxBytes);
      }
      try (InputStream in = Files.newInputStream(path)) {
        return BlobReader.readCapped(in, uri, maxBytes);
      }
    } catch (NoSuchFileException e) {
      throw new InputException("missing_file", "no such file: " + uri);
    }
  }
}
