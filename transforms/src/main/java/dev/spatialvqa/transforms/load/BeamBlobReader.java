package dev.spatialvqa.transforms.load;

import dev.spatialvqa.core.load.BlobReader;
import dev.spatialvqa.core.load.InputException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.channels.Channels;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.MatchResult;

/**
 * Reads files through Beam's filesystems (local paths, {@code file:}, {@code gs://} when the GCP
 * filesystem is on the classpath). Web URLs are not read here: web images go through the fetcher.
 */
public final class BeamBlobReader implements BlobReader {
  @Override
  public byte[] read(String uri, long maxBytes) throws InputException, IOException {
    BlobReader.refuseWebUri(uri);
    Path local = localPath(uri);
    if (local != null) {
      BlobReader.requireRegularFile(local, uri);
    }
    MatchResult.Metadata meta;
    try {
      meta = FileSystems.matchSingleFileSpec(uri);
    } catch (FileNotFoundException | NoSuchFileException e) {
      throw new InputException("missing_file", "no such file: " + uri);
    } catch (IllegalArgumentException e) {
      throw new InputException("missing_file", "cannot read " + uri + ": " + e.getMessage());
    }
    if (meta.sizeBytes() > maxBytes) {
      throw new InputException(
          "too_large",
          uri + " has " + meta.sizeBytes() + " bytes, more than the cap of " + maxBytes);
    }
    try (InputStream in = Channels.newInputStream(FileSystems.open(meta.resourceId()))) {
      return BlobReader.readCapped(in, uri, maxBytes);
    } catch (FileNotFoundException | NoSuchFileException e) {
      throw new InputException("missing_file", "no such file: " + uri);
    }
  }

  /** The local path of a plain path or {@code file:} URI; null for other filesystems. */
  static Path localPath(String uri) {
    try {
      if (uri.startsWith("file:")) {
        return Path.of(URI.create(uri));
      }
      if (!uri.matches("^[A-Za-z][A-Za-z0-9+.-]+://.*")) {
        return Path.of(uri);
      }
    } catch (IllegalArgumentException e) {
      return null;
    }
    return null;
  }
}
