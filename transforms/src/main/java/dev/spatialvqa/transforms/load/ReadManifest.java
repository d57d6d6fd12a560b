package dev.spatialvqa.transforms.load;

import dev.spatialvqa.core.ingest.SourceLine;
import dev.spatialvqa.transforms.errors.Ledger;
import dev.spatialvqa.transforms.ingest.ReadCrawlLines;
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
 * error, not a dead letter. Files are split into lines by the same step as {@code urls:} inputs.
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
        .apply("ReadLines", ReadCrawlLines.from(filePattern))
        .apply("CountSceneLines", ParDo.of(new SceneLinesFn()));
  }

  static final class SceneLinesFn extends DoFn<SourceLine, ManifestLine> {
    @ProcessElement
    public void process(@Element SourceLine line, OutputReceiver<ManifestLine> out) {
      if (line.text().isBlank()) {
        return;
      }
      Ledger.inputs().inc();
      out.output(new ManifestLine(line.uri(), line.line(), line.text()));
    }
  }
}
