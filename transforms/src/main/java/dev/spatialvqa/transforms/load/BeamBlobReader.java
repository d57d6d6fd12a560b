package dev.spatialvqa.transforms.load;

import dev.spatialvqa.core.load.BlobReader;
import dev.spatialvqa.core.load.InputException;
import java.io.ByteArrayOutputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.file.NoSuchFileException;
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
      ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.max(0, meta.sizeBytes()));
      in.transferTo(out);
      return out.toByteArray();
    } catch (FileNotFoundException | NoSuchFileException e) {
      throw new InputException("missing_file", "no such file: " + uri);
    }
  }
}
