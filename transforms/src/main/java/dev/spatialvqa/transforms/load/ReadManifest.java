package dev.spatialvqa.transforms.load;

import dev.spatialvqa.core.ingest.SourceLine;
import dev.spatialvqa.transforms.errors.Ledger;
import dev.spatialvqa.transforms.ingest.ReadCrawlLines;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.coders.SerializableCoder;
import org.apache.beam.sdk.transforms.Create;
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

  /**
   * In-memory manifest lines (a JobTest-style source: the same input counting and blank-line rule
   * as a file); relative paths in the lines resolve against {@code manifestUri}'s folder.
   */
  public static PTransform<PBegin, PCollection<ManifestLine>> ofLines(
      String manifestUri, List<String> lines) {
    List<SourceLine> numbered = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      numbered.add(new SourceLine(manifestUri, (long) (i + 1), lines.get(i)));
    }
    return new PTransform<>() {
      @Override
      public PCollection<ManifestLine> expand(PBegin input) {
        return input
            .apply("Lines", Create.of(numbered).withCoder(SerializableCoder.of(SourceLine.class)))
            .apply("CountSceneLines", ParDo.of(new SceneLinesFn()));
      }
    };
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
      if (line.isTooLong()) {
        Ledger.inputs().inc();
        out.output(ManifestLine.tooLong(line.uri(), line.line(), line.tooLongMessage()));
        return;
      }
      if (line.text().isBlank()) {
        return;
      }
      Ledger.inputs().inc();
      out.output(new ManifestLine(line.uri(), line.line(), line.text()));
    }
  }
}
