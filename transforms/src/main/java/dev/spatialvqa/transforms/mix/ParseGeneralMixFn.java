package dev.spatialvqa.transforms.mix;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spatialvqa.core.ids.ContentIds;
import dev.spatialvqa.core.mix.TokenCounter;
import dev.spatialvqa.transforms.errors.DeadLetters;
import dev.spatialvqa.transforms.errors.Ledger;
import dev.spatialvqa.transforms.errors.RunLedger;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.TupleTag;
import org.joda.time.Instant;

/**
 * Parses one general-mix record (JSON: {@code num_tokens}, or {@code text} with optional {@code
 * images}; optional {@code source}; optional {@code event_time}, epoch millis or ISO-8601, which
 * becomes the element's timestamp when its source gave it none) into its token count. A precomputed
 * {@code num_tokens} wins over {@code text}. Records that are not JSON objects, have neither field,
 * or have a negative or non-integer count become dead letters ({@code mix_not_json}, {@code
 * mix_no_tokens}, {@code mix_bad_tokens}, {@code mix_bad_event_time}), counted under {@code
 * mix.dead.<reason>}.
 */
final class ParseGeneralMixFn extends DoFn<String, KV<String, MixEvent>> {
  private static final long serialVersionUID = 1L;
  static final String STAGE = "mix_general";
  static final TupleTag<KV<String, MixEvent>> MAIN =
      new TupleTag<KV<String, MixEvent>>("general") {};

  private final TokenizerSpec spec;
  private transient TokenCounter counter;
  private final Counter records = Ledger.counter("mix.general_records");

  ParseGeneralMixFn(TokenizerSpec spec) {
    this.spec = spec;
  }

  @Setup
  public void setup() {
    counter = spec.open();
  }

  @ProcessElement
  public void process(@Element String line, @Timestamp Instant ts, MultiOutputReceiver out) {
    if (line.startsWith(ReadGeneralMix.TOO_LONG)) {
      out.get(DeadLetters.TAG)
          .output(
              dead(
                  "line_too_long",
                  line.substring(ReadGeneralMix.TOO_LONG.length()),
                  DeadLetters.ref(null, null, null, null),
                  DeadLetters.eventTime(ts)));
      return;
    }
    JsonNode n;
    try {
      n = dev.spatialvqa.core.ingest.JsonLines.read(line);
    } catch (Exception e) {
      n = null;
    }
    if (n == null || !n.isObject()) {
      out.get(DeadLetters.TAG)
          .output(
              dead(
                  "mix_not_json",
                  "general-mix record is not a JSON object",
                  ref(line),
                  DeadLetters.eventTime(ts)));
      return;
    }
    String source = n.hasNonNull("source") ? n.get("source").asText() : null;
    long tokens;
    JsonNode nt = n.get("num_tokens");
    if (nt != null && !nt.isNull()) {
      if (!nt.canConvertToLong() || !nt.isIntegralNumber() || nt.asLong() < 0) {
        out.get(DeadLetters.TAG)
            .output(
                dead(
                    "mix_bad_tokens",
                    "num_tokens must be an integer >= 0, got " + nt,
                    ref(line),
                    DeadLetters.eventTime(ts)));
        return;
      }
      tokens = nt.asLong();
    } else if (n.hasNonNull("text") && n.get("text").isTextual()) {
      int images = 0;
      JsonNode im = n.get("images");
      if (im != null && !im.isNull()) {
        if (!im.isIntegralNumber() || im.asInt() < 0) {
          out.get(DeadLetters.TAG)
              .output(
                  dead(
                      "mix_bad_tokens",
                      "images must be an integer >= 0, got " + im,
                      ref(line),
                      DeadLetters.eventTime(ts)));
          return;
        }
        images = im.asInt();
      }
      tokens = counter.countGeneral(n.get("text").asText(), images);
    } else {
      out.get(DeadLetters.TAG)
          .output(
              dead(
                  "mix_no_tokens",
                  "general-mix record has neither num_tokens nor text",
                  ref(line),
                  DeadLetters.eventTime(ts)));
      return;
    }
    Instant eventTime = null;
    JsonNode et = n.get("event_time");
    if (et != null && !et.isNull() && !ts.isAfter(BoundedWindow.TIMESTAMP_MIN_VALUE)) {
      try {
        eventTime = et.isIntegralNumber() ? new Instant(et.asLong()) : Instant.parse(et.asText());
      } catch (IllegalArgumentException e) {
        eventTime = null;
      }
      if (eventTime == null
          || !eventTime.isAfter(BoundedWindow.TIMESTAMP_MIN_VALUE)
          || !eventTime.isBefore(BoundedWindow.TIMESTAMP_MAX_VALUE)) {
        out.get(DeadLetters.TAG)
            .output(
                dead(
                    "mix_bad_event_time",
                    "event_time must be epoch millis or ISO-8601, got " + et,
                    ref(line),
                    null));
        return;
      }
    }
    records.inc();
    KV<String, MixEvent> kv = KV.of(MixGate.KEY, MixEvent.general(source, tokens));
    if (eventTime != null) {
      out.get(MAIN).outputWithTimestamp(kv, eventTime);
    } else {
      out.get(MAIN).output(kv);
    }
  }

  @Teardown
  public void teardown() {
    if (counter != null) {
      counter.close();
      counter = null;
    }
  }

  /**
   * A dead letter for a general-mix record. General-mix records are not the run's inputs (the
   * ledger balances scene inputs), so they are counted under {@code mix.dead.<reason>} instead of
   * {@code dead.<reason>}; the dead letter itself goes to {@code OUTPUT/deadletters} like any
   * other.
   */
  private static dev.spatialvqa.schemas.DeadLetter dead(
      String reason, String message, dev.spatialvqa.schemas.InputRef ref, Long eventTime) {
    Ledger.counter(RunLedger.MIX_DEAD + reason).inc();
    return DeadLetters.uncounted(STAGE, reason, message, ref, eventTime);
  }

  private static dev.spatialvqa.schemas.InputRef ref(String line) {
    String hash = ContentIds.sha256Hex(line).substring(0, 16);
    return DeadLetters.ref(null, hash, null, null);
  }
}
