package dev.spatialvqa.transforms.ingest;

import dev.spatialvqa.core.ingest.CrawlRecord;
import dev.spatialvqa.core.ingest.FetchException;
import dev.spatialvqa.core.ingest.SourceLine;
import dev.spatialvqa.schemas.DeadLetter;
import dev.spatialvqa.transforms.errors.DeadLetters;
import dev.spatialvqa.transforms.errors.Ledger;
import org.apache.beam.sdk.coders.SerializableCoder;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;
import org.joda.time.Instant;

/**
 * Parses crawl input lines into {@link CrawlRecord}s. Bounded or unbounded; element-wise, no state;
 * keeps each element's timestamp and window.
 *
 * <p>This is where line inputs enter the ledger: every non-blank line is counted once under {@code
 * inputs} (blank lines are not inputs). A malformed line becomes a dead letter at stage {@code
 * parse_record} ({@code malformed_record}, {@code missing_url}, {@code bad_url}, {@code
 * unsupported_scheme}, {@code bad_crawl_time}) with its file and line; the stream goes on.
 */
public final class ParseCrawlRecords extends PTransform<PCollection<SourceLine>, PCollectionTuple> {
  public static final String STAGE = "parse_record";
  public static final TupleTag<CrawlRecord> RECORDS = new TupleTag<CrawlRecord>("records") {};

  private ParseCrawlRecords() {}

  public static ParseCrawlRecords create() {
    return new ParseCrawlRecords();
  }

  @Override
  public PCollectionTuple expand(PCollection<SourceLine> lines) {
    PCollectionTuple out =
        lines.apply(
            "ParseLines",
            ParDo.of(new ParseFn()).withOutputTags(RECORDS, TupleTagList.of(DeadLetters.TAG)));
    out.get(RECORDS).setCoder(SerializableCoder.of(CrawlRecord.class));
    return out;
  }

  static final class ParseFn extends DoFn<SourceLine, CrawlRecord> {
    @ProcessElement
    public void process(@Element SourceLine line, @Timestamp Instant ts, MultiOutputReceiver out) {
      if (!line.isTooLong() && (line.text() == null || line.text().isBlank())) {
        return;
      }
      Ledger.inputs().inc();
      try {
        if (line.isTooLong()) {
          throw new FetchException("line_too_long", line.tooLongMessage());
        }
        out.get(RECORDS).output(CrawlRecord.parse(line.text()));
      } catch (FetchException e) {
        DeadLetter d =
            DeadLetters.of(
                STAGE,
                e.reason(),
                e.getMessage(),
                DeadLetters.ref(line.uri(), null, null, line.line()),
                DeadLetters.eventTime(ts));
        out.get(DeadLetters.TAG).output(d);
      }
    }
  }
}
