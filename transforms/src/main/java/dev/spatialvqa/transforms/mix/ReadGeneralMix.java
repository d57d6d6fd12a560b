package dev.spatialvqa.transforms.mix;

import dev.spatialvqa.core.ingest.SourceLine;
import dev.spatialvqa.transforms.ingest.ReadCrawlLines;
import org.apache.beam.sdk.transforms.Filter;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TypeDescriptors;

/**
 * Reads general-mix records for the {@link MixGate}: {@code jsonl:PATH} (a file, glob or any Beam
 * filesystem; one JSON record per line, blank lines skipped). Bounded; records without an {@code
 * event_time} field have no event time and fall in the gate's single bounded window.
 */
public final class ReadGeneralMix extends PTransform<PBegin, PCollection<String>> {
  /**
   * Starts the text standing for a line over the length cap (no JSON text starts with NUL): the
   * parser makes it a {@code line_too_long} dead letter.
   */
  static final String TOO_LONG = "\u0000";

  private static final long serialVersionUID = 1L;
  private final String pattern;

  private ReadGeneralMix(String pattern) {
    this.pattern = pattern;
  }

  public static ReadGeneralMix jsonl(String pattern) {
    if (pattern == null || pattern.isBlank()) {
      throw new IllegalArgumentException(
          "jsonl general-mix input needs a path, got '" + pattern + "'");
    }
    return new ReadGeneralMix(pattern);
  }

  @Override
  public PCollection<String> expand(PBegin p) {
    return p.apply("ReadLines", ReadCrawlLines.from(pattern))
        .apply(
            "LineText",
            MapElements.into(TypeDescriptors.strings())
                .via(
                    (SourceLine l) ->
                        l.isTooLong() ? TOO_LONG + l.uri() + " " + l.tooLongMessage() : l.text()))
        .apply("SkipBlankLines", Filter.by((String s) -> !s.isBlank()));
  }
}
