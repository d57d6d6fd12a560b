package dev.spatialvqa.transforms.dedupe;

import static dev.spatialvqa.transforms.dedupe.DedupeEmbeddings.*;

import dev.spatialvqa.core.dedupe.DedupeConfig;
import dev.spatialvqa.transforms.errors.Ledger;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.state.StateSpec;
import org.apache.beam.sdk.state.StateSpecs;
import org.apache.beam.sdk.state.TimeDomain;
import org.apache.beam.sdk.state.Timer;
import org.apache.beam.sdk.state.TimerSpec;
import org.apache.beam.sdk.state.TimerSpecs;
import org.apache.beam.sdk.state.ValueState;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.TupleTag;
import org.joda.time.Instant;

/** Keyed by id: the first occurrence in the window passes, repeats are duplicates (sim 1). */
final class RepeatedIdFn<T> extends DoFn<KV<String, Embedded<T>>, KV<String, Embedded<T>>> {
  private static final String EXPIRY = "expiry";
  private static final String FIRST_SEEN = "firstSeen";

  @StateId(FIRST_SEEN)
  private final StateSpec<ValueState<Long>> firstSeenSpec = StateSpecs.value(VarLongCoder.of());

  @TimerId(EXPIRY)
  private final TimerSpec expirySpec = TimerSpecs.timer(TimeDomain.EVENT_TIME);

  private final String kind;
  private final DedupeConfig config;
  private final String embedderId;
  private final TupleTag<KV<String, Embedded<T>>> firstTag;
  private final Counter duplicates;

  RepeatedIdFn(
      String kind,
      DedupeConfig config,
      String embedderId,
      TupleTag<KV<String, Embedded<T>>> firstTag) {
    this.kind = kind;
    this.config = config;
    this.embedderId = embedderId;
    this.firstTag = firstTag;
    this.duplicates = Ledger.counter(kind + "_duplicates");
  }

  @ProcessElement
  public void process(
      @Element KV<String, Embedded<T>> e,
      @Timestamp Instant ts,
      BoundedWindow window,
      @StateId(FIRST_SEEN) ValueState<Long> firstSeen,
      @TimerId(EXPIRY) Timer expiry,
      MultiOutputReceiver out) {
    Long seen = firstSeen.read();
    boolean inLookback =
        seen != null
            && (config.windowKind() == DedupeConfig.WindowKind.FIXED
                || Math.abs(ts.getMillis() - seen) <= config.windowSize().toMillis());
    if (inLookback) {
      duplicates.inc();
      out.get(DUPLICATES)
          .output(
              duplicate(
                  kind,
                  e.getValue().id(),
                  e.getValue().id(),
                  1.0,
                  "repeated_id",
                  config,
                  ts,
                  seen,
                  embedderId));
      return;
    }
    firstSeen.write(ts.getMillis());
    expiry.withNoOutputTimestamp().set(expiry(config, window, ts));
    out.get(firstTag).output(e);
  }

  @OnTimer(EXPIRY)
  public void onExpiry(@StateId(FIRST_SEEN) ValueState<Long> firstSeen) {
    firstSeen.clear();
  }
}
