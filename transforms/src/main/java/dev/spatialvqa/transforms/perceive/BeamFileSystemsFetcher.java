package dev.spatialvqa.transforms.perceive;

import dev.spatialvqa.core.models.ModelFetcher;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.MatchResult;

/**
 * Fetches model files through Beam's {@link FileSystems}: {@code gs://} when the GCP filesystem is
 * on the classpath (it is, via the GCP core extension), and any other registered scheme. Works in
 * worker JVMs, where Beam has registered the filesystems from the pipeline options.
 */
public final class BeamFileSystemsFetcher implements ModelFetcher {
  @Override
  public boolean supports(String uri) {
    int i = uri.indexOf("://");
    if (i <= 0) {
      return false;
    }
    String scheme = uri.substring(0, i);
    if (scheme.equals("http") || scheme.equals("https")) {
      return false;
    }
    try {
      FileSystems.matchNewResource(uri, false);
      return true;
    } catch (RuntimeException e) {
      return false;
    }
  }

  @Override
  public void fetch(String uri, Path target) throws IOException {
    MatchResult.Metadata m = FileSystems.matchSingleFileSpec(uri);
    try (ReadableByteChannel ch = FileSystems.open(m.resourceId());
        InputStream in = Channels.newInputStream(ch)) {
      Files.copy(in, target);
    }
  }
}
