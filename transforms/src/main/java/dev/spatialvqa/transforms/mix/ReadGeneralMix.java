package dev.spatialvqa.transforms.mix;

import org.apache.beam.sdk.io.TextIO;
import org.apache.beam.sdk.transforms.Filter;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;

/**
 * Reads general-mix records for the {@link MixGate}: {@code jsonl:PATH} (a file, glob or any Beam
 * filesystem; one JSON record per line, blank lines skipped). Bounded; records without an {@code
 * event_time} field have no event time and fall in the gate's single bounded window.
 */
public final class ReadGeneralMix extends PTransform<PBegin, PCollection<String>> {
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
    return p.apply("ReadLines", TextIO.read().from(pattern))
        .apply("SkipBlankLines", Filter.by((String s) -> !s.isBlank()));
  }
}
