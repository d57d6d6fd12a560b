package dev.spatialvqa.transforms.ingest;

import dev.spatialvqa.core.ingest.LineReader;
import dev.spatialvqa.core.ingest.SourceLine;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import org.apache.beam.sdk.coders.SerializableCoder;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;

/**
 * {@code urls:FILE}: reads a bounded file (pattern; any Beam filesystem) of crawl records, JSON
 * Lines or one URL per line, as {@link SourceLine}s with their line numbers. A pattern that matches
 * nothing fails the run at start: a wrong path is a usage error, not a dead letter.
 */
public final class ReadCrawlLines extends PTransform<PBegin, PCollection<SourceLine>> {
  private final String filePattern;

  private ReadCrawlLines(String filePattern) {
    this.filePattern = filePattern;
  }

  public static ReadCrawlLines from(String filePattern) {
    if (filePattern == null || filePattern.isBlank()) {
      throw new IllegalArgumentException("urls: needs a file path, e.g. --input=urls:crawl.jsonl");
    }
    return new ReadCrawlLines(filePattern);
  }

  @Override
  public PCollection<SourceLine> expand(PBegin input) {
    return input
        .apply("MatchFiles", FileIO.match().filepattern(filePattern))
        .apply("OpenFiles", FileIO.readMatches())
        .apply("SplitLines", ParDo.of(new SplitLinesFn()))
        .setCoder(SerializableCoder.of(SourceLine.class));
  }

  /**
   * Emits every line of a file (blank ones too: the parser decides what is an input); a byte-order
   * mark is dropped and a line over {@link LineReader#MAX_LINE_CHARS} arrives as {@link
   * SourceLine#tooLong} (the file is read in bounded memory, whatever it holds).
   */
  static final class SplitLinesFn extends DoFn<FileIO.ReadableFile, SourceLine> {
    @ProcessElement
    public void process(@Element FileIO.ReadableFile file, OutputReceiver<SourceLine> out)
        throws IOException {
      lines(file, out);
    }
  }

  static void lines(FileIO.ReadableFile file, DoFn.OutputReceiver<SourceLine> out)
      throws IOException {
    String uri = file.getMetadata().resourceId().toString();
    try (BufferedReader r =
        new BufferedReader(
            new InputStreamReader(Channels.newInputStream(file.open()), StandardCharsets.UTF_8))) {
      LineReader lines = new LineReader(r);
      LineReader.Line line;
      long n = 0;
      while ((line = lines.next()) != null) {
        n++;
        out.output(
            line.tooLong()
                ? SourceLine.tooLong(uri, n, line.chars())
                : new SourceLine(uri, n, line.text()));
      }
    }
  }
}
