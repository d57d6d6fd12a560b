package dev.spatialvqa.io;

import dev.spatialvqa.errors.Ledger;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;

/**
 * Reads scene manifests (JSON Lines, one scene per line) matched by a file pattern (local path,
 * {@code gs://}, any Beam filesystem). Bounded. Emits one {@link ManifestLine} per non-blank line
 * and counts it as a run input ({@code inputs}); blank lines are not inputs. A pattern that matches
 * nothing fails the run at start (Beam's default empty-match treatment): a wrong path is a usage
 * error, not a dead letter.
 */
public final class ReadManifest extends PTransform<PBegin, PCollection<ManifestLine>> {
  private final String filePattern;

  private ReadManifest(String filePattern) {
    this.filePattern = filePattern;
  }

  public static ReadManifest from(String filePattern) {
    if (filePattern == null || filePattern.isBlank()) {
      throw new IllegalArgumentException("manifest path must not be empty");
    }
    return new ReadManifest(filePattern);
  }

  @Override
  public PCollection<ManifestLine> expand(PBegin input) {
    return input
        .apply("MatchManifests", FileIO.match().filepattern(filePattern))
        .apply("OpenManifests", FileIO.readMatches())
        .apply("SplitLines", ParDo.of(new SplitLinesFn()));
  }

  static final class SplitLinesFn extends DoFn<FileIO.ReadableFile, ManifestLine> {
    @ProcessElement
    public void process(@Element FileIO.ReadableFile file, OutputReceiver<ManifestLine> out)
        throws IOException {
      String uri = file.getMetadata().resourceId().toString();
      try (BufferedReader r =
          new BufferedReader(
              new InputStreamReader(Channels.newInputStream(file.open()), StandardCharsets.UTF_8))) {
        String line;
        long n = 0;
        while ((line = r.readLine()) != null) {
          n++;
          if (line.isBlank()) {
            continue;
          }
          Ledger.inputs().inc();
          out.output(new ManifestLine(uri, n, line));
        }
      }
    }
  }
}
