package dev.spatialvqa.transforms.dedupe;

import dev.spatialvqa.core.dedupe.ImageDedupeConfig;
import dev.spatialvqa.schemas.DuplicateRecord;
import dev.spatialvqa.schemas.PerceivedScene;
import dev.spatialvqa.transforms.errors.Ledger;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
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

/**
 * Keyed by the image's content hash, in the global window: the first scene of a hash passes (its id
 * and event time are stored), a later one within the TTL is a duplicate ({@code same_content},
 * similarity 1, method {@code sha256}). The entry is cleared by an event-time timer at the stored
 * time + TTL + lateness that does not hold the watermark. Which of two identical images is kept
 * depends on arrival order (both are the same bytes, so the data kept is the same). A repeated
 * scene id without a content hash is keyed by the id.
 */
final class SameContentFn extends DoFn<KV<String, PerceivedScene>, PerceivedScene> {
  private static final String FIRST = "first";
  private static final String EXPIRY = "expiry";

  @StateId(FIRST)
  private final StateSpec<ValueState<KV<String, Long>>> firstSpec =
      StateSpecs.value(KvCoder.of(StringUtf8Coder.of(), VarLongCoder.of()));

  @TimerId(EXPIRY)
  private final TimerSpec expirySpec = TimerSpecs.timer(TimeDomain.EVENT_TIME);

  private final long ttlMillis;
  private final long latenessMillis;
  private final TupleTag<PerceivedScene> firstTag;
  private final Counter entries = Ledger.counter("scene_dedupe_exact_entries");
  private final Counter expired = Ledger.counter("scene_dedupe_exact_expired");

  SameContentFn(ImageDedupeConfig config, TupleTag<PerceivedScene> firstTag) {
    this.ttlMillis = config.ttl().toMillis();
    this.latenessMillis = config.allowedLateness().toMillis();
    this.firstTag = firstTag;
  }

  @ProcessElement
  public void process(
      @Element KV<String, PerceivedScene> kv,
      @Timestamp Instant ts,
      BoundedWindow window,
      @StateId(FIRST) ValueState<KV<String, Long>> first,
      @TimerId(EXPIRY) Timer expiry,
      MultiOutputReceiver out) {
    PerceivedScene s = kv.getValue();
    KV<String, Long> f = first.read();
    long t = ts.getMillis();
    if (f != null && Math.abs(t - f.getValue()) <= ttlMillis) {
      out.get(DedupeEmbeddings.DUPLICATES)
          .output(
              DuplicateRecord.newBuilder()
                  .setKind("scene")
                  .setKeptId(f.getKey())
                  .setDroppedId(s.getSceneId())
                  .setSimilarity(1.0)
                  .setReason("same_content")
                  .setEventTime(t)
                  .setKeptEventTime(f.getValue())
                  .setMethod(
                      kv.getKey().startsWith("sha256:")
                          ? DedupeScenes.METHOD_SHA256
                          : "repeated_id")
                  .setDroppedUri(s.getImageUri())
                  .build());
      return;
    }
    if (f == null) {
      entries.inc();
    }
    first.write(KV.of(s.getSceneId(), t));
    Instant at = new Instant(t).plus(org.joda.time.Duration.millis(ttlMillis + latenessMillis));
    if (at.isAfter(window.maxTimestamp()) || at.isBefore(ts)) {
      at = window.maxTimestamp();
    }
    expiry.withNoOutputTimestamp().set(at);
    out.get(firstTag).output(s);
  }

  @OnTimer(EXPIRY)
  public void onExpiry(@StateId(FIRST) ValueState<KV<String, Long>> first) {
    if (first.read() != null) {
      expired.inc();
    }
    first.clear();
  }
}
