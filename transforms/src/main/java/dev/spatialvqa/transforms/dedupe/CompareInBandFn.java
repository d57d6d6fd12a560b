package dev.spatialvqa.transforms.dedupe;

import static dev.spatialvqa.transforms.dedupe.DedupeEmbeddings.*;

import dev.spatialvqa.core.dedupe.DedupeConfig;
import dev.spatialvqa.core.dedupe.KeptSet;
import dev.spatialvqa.transforms.dedupe.Stages.BandProbe;
import dev.spatialvqa.transforms.dedupe.Stages.BandProbeCoder;
import dev.spatialvqa.transforms.dedupe.Stages.KeptSetCoder;
import dev.spatialvqa.transforms.dedupe.Stages.Verdict;
import dev.spatialvqa.transforms.errors.Ledger;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.coders.BooleanCoder;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Distribution;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.state.BagState;
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
import org.joda.time.Instant;

/**
 * Keyed by band key (and fixed window): compares with the bounded set of kept embeddings, keeps
 * what is new, in the canonical order (event time, then id) whatever the arrival order. Probes are
 * buffered ({@code pending}) until a {@code flush} event-time timer fires: at the fixed window's
 * end, or (sliding) at the earliest buffered timestamp; the flush timer's output timestamp
 * (watermark hold) is the earliest buffered timestamp, so verdicts are never late for the hold. The
 * flush sorts the buffer and compares in that order, so on bounded input (all elements in before
 * the watermark moves) the verdicts do not depend on arrival order. A probe at or before the last
 * flushed timestamp (late data) is compared at once with the kept set. The buffer is bounded: past
 * {@code 4 * maxKeptPerKey} buffered probes a probe is compared at once (counted {@code
 * dedupe_buffer_full}). Fixed windows: the expiry timer at window end + lateness clears the set and
 * leaves a one-boolean tombstone (cleared one window size later by the {@code gc} timer), so an
 * element arriving after its window expired is reported too late instead of compared with an empty
 * set. Expiry and gc timers do not hold the watermark.
 */
final class CompareInBandFn<T> extends DoFn<KV<String, BandProbe<T>>, KV<String, Verdict<T>>> {
  private static final String EXPIRY = "expiry";
  private static final String GC = "gc";
  private static final String FLUSH = "flush";
  private static final String KEPT = "kept";
  private static final String CLOSED = "closed";
  private static final String PENDING = "pending";
  private static final String PENDING_COUNT = "pendingCount";
  private static final String PENDING_MIN = "pendingMin";
  private static final String FLUSHED_UP_TO = "flushedUpTo";

  @StateId(KEPT)
  private final StateSpec<ValueState<KeptSet>> keptSpec = StateSpecs.value(new KeptSetCoder());

  @StateId(CLOSED)
  private final StateSpec<ValueState<Boolean>> closedSpec = StateSpecs.value(BooleanCoder.of());

  @StateId(PENDING)
  private final StateSpec<BagState<KV<Long, BandProbe<T>>>> pendingSpec;

  @StateId(PENDING_COUNT)
  private final StateSpec<ValueState<Integer>> pendingCountSpec =
      StateSpecs.value(VarIntCoder.of());

  @StateId(PENDING_MIN)
  private final StateSpec<ValueState<Long>> pendingMinSpec = StateSpecs.value(VarLongCoder.of());

  @StateId(FLUSHED_UP_TO)
  private final StateSpec<ValueState<Long>> flushedUpToSpec = StateSpecs.value(VarLongCoder.of());

  @TimerId(EXPIRY)
  private final TimerSpec expirySpec = TimerSpecs.timer(TimeDomain.EVENT_TIME);

  @TimerId(GC)
  private final TimerSpec gcSpec = TimerSpecs.timer(TimeDomain.EVENT_TIME);

  @TimerId(FLUSH)
  private final TimerSpec flushSpec = TimerSpecs.timer(TimeDomain.EVENT_TIME);

  private final DedupeConfig config;
  private final Distribution keptPerKey =
      Metrics.distribution(Ledger.NAMESPACE, "dedupe_kept_per_key");
  private final Counter evicted = Ledger.counter("dedupe_state_evicted");
  private final Counter expired = Ledger.counter("dedupe_state_expired");
  private final Counter bufferFull = Ledger.counter("dedupe_buffer_full");
  private final Counter added = Ledger.counter("dedupe_state_added");

  CompareInBandFn(DedupeConfig config, Coder<T> payloadCoder) {
    this.config = config;
    this.pendingSpec =
        StateSpecs.bag(KvCoder.of(VarLongCoder.of(), new BandProbeCoder<>(payloadCoder)));
  }

  private int maxPending() {
    return config.maxPendingPerKey();
  }

  /**
   * Flushed verdicts carry their element's timestamp, which is at or after the flush timer's output
   * timestamp (the earliest buffered one) on runners that honour a re-set timer's output timestamp;
   * Flink's batch timer internals keep the first one, so the check is lifted. Verdicts go to {@code
   * Decide}, which is in the global window and keyed by element: none is dropped.
   */
  @Override
  @SuppressWarnings("deprecation")
  public org.joda.time.Duration getAllowedTimestampSkew() {
    return org.joda.time.Duration.millis(Long.MAX_VALUE);
  }

  @ProcessElement
  public void process(
      @Element KV<String, BandProbe<T>> kv,
      @Timestamp Instant ts,
      BoundedWindow window,
      @StateId(KEPT) ValueState<KeptSet> keptState,
      @StateId(CLOSED) ValueState<Boolean> closed,
      @StateId(PENDING) BagState<KV<Long, BandProbe<T>>> pending,
      @StateId(PENDING_COUNT) ValueState<Integer> pendingCount,
      @StateId(PENDING_MIN) ValueState<Long> pendingMin,
      @StateId(FLUSHED_UP_TO) ValueState<Long> flushedUpTo,
      @TimerId(EXPIRY) Timer expiry,
      @TimerId(FLUSH) Timer flush,
      OutputReceiver<KV<String, Verdict<T>>> out) {
    BandProbe<T> p = kv.getValue();
    if (Boolean.TRUE.equals(closed.read())) {
      out.output(
          KV.of(
              occurrence(p.id, ts.getMillis()),
              new Verdict<>(p.band, null, 0L, 0.0, true, p.payload)));
      return;
    }
    if (config.windowKind() == DedupeConfig.WindowKind.FIXED
        && keptState.read() == null
        && pendingCount.read() == null
        && flushedUpTo.read() == null) {
      expiry.withNoOutputTimestamp().set(expiry(config, window, ts));
    }
    Long upTo = flushedUpTo.read();
    Integer count = pendingCount.read();
    int n = count == null ? 0 : count;
    if ((upTo != null && ts.getMillis() <= upTo) || n >= maxPending()) {
      if (n >= maxPending()) {
        bufferFull.inc();
      }
      KeptSet kept = keptState.read();
      if (kept == null) {
        kept = new KeptSet();
      }
      Verdict<T> v = compare(p, ts.getMillis(), kept, window, expiry);
      keptState.write(kept);
      out.output(KV.of(occurrence(p.id, ts.getMillis()), v));
      return;
    }
    pending.add(KV.of(ts.getMillis(), p));
    pendingCount.write(n + 1);
    Long min = pendingMin.read();
    if (min == null || ts.getMillis() < min) {
      pendingMin.write(ts.getMillis());
      flush.withOutputTimestamp(ts).set(flushAt(window, ts));
    }
  }

  /** Fixed: the end of the element's window; sliding: the element's own timestamp. */
  private Instant flushAt(BoundedWindow window, Instant ts) {
    Instant at =
        config.windowKind() == DedupeConfig.WindowKind.FIXED
            ? new Instant(windowStart(config, ts.getMillis()) + config.windowSize().toMillis() - 1)
            : ts;
    return at.isAfter(window.maxTimestamp()) ? window.maxTimestamp() : at;
  }

  private static String occurrence(String id, long ts) {
    return id + "@" + ts;
  }

  /** Compares one probe with the kept set and adds it when new; returns the band's verdict. */
  private Verdict<T> compare(
      BandProbe<T> p, long ts, KeptSet kept, BoundedWindow window, Timer expiry) {
    boolean sliding = config.windowKind() == DedupeConfig.WindowKind.SLIDING;
    long lookback = sliding ? config.windowSize().toMillis() : Long.MAX_VALUE;
    KeptSet.Match m = kept.bestMatch(p.id, p.group, p.embedding, ts, config.threshold(), lookback);
    if (m != null) {
      return new Verdict<>(
          p.band, m.entry.id, m.entry.timestampMillis, m.similarity, false, p.payload);
    }
    added.inc();
    evicted.inc(
        kept.add(new KeptSet.Entry(p.id, p.group, ts, p.embedding), config.maxKeptPerKey()));
    if (sliding) {
      long newest = kept.maxTimestamp();
      expired.inc(
          kept.removeOlderThan(
              newest - config.windowSize().toMillis() - config.allowedLateness().toMillis()));
      expiry.withNoOutputTimestamp().set(expiry(config, window, new Instant(newest)));
    }
    keptPerKey.update(kept.size());
    return new Verdict<>(p.band, null, 0L, 0.0, false, p.payload);
  }

  @OnTimer(FLUSH)
  public void onFlush(
      OnTimerContext c,
      @StateId(KEPT) ValueState<KeptSet> keptState,
      @StateId(CLOSED) ValueState<Boolean> closed,
      @StateId(PENDING) BagState<KV<Long, BandProbe<T>>> pending,
      @StateId(PENDING_COUNT) ValueState<Integer> pendingCount,
      @StateId(PENDING_MIN) ValueState<Long> pendingMin,
      @StateId(FLUSHED_UP_TO) ValueState<Long> flushedUpTo,
      @TimerId(EXPIRY) Timer expiry,
      @TimerId(FLUSH) Timer flush) {
    long fire = c.fireTimestamp().getMillis();
    List<KV<Long, BandProbe<T>>> ready = new ArrayList<>();
    List<KV<Long, BandProbe<T>>> rest = new ArrayList<>();
    for (KV<Long, BandProbe<T>> e : pending.read()) {
      (e.getKey() <= fire ? ready : rest).add(e);
    }
    pending.clear();
    ready.sort(
        java.util.Comparator.<KV<Long, BandProbe<T>>>comparingLong(KV::getKey)
            .thenComparing(e -> e.getValue().id));
    boolean isClosed = Boolean.TRUE.equals(closed.read());
    KeptSet kept = keptState.read();
    if (kept == null) {
      kept = new KeptSet();
    }
    for (KV<Long, BandProbe<T>> e : ready) {
      BandProbe<T> p = e.getValue();
      Verdict<T> v =
          isClosed
              ? new Verdict<>(p.band, null, 0L, 0.0, true, p.payload)
              : compare(p, e.getKey(), kept, c.window(), expiry);
      c.outputWithTimestamp(KV.of(occurrence(p.id, e.getKey()), v), new Instant(e.getKey()));
    }
    if (!isClosed && !ready.isEmpty()) {
      keptState.write(kept);
    }
    Long upTo = flushedUpTo.read();
    flushedUpTo.write(upTo == null ? fire : Math.max(upTo, fire));
    if (config.windowKind() == DedupeConfig.WindowKind.SLIDING) {
      // also when nothing was added: the expiry timer clears flushedUpTo
      expiry
          .withNoOutputTimestamp()
          .set(expiry(config, c.window(), new Instant(Math.max(fire, kept.maxTimestamp()))));
    }
    if (rest.isEmpty()) {
      pendingCount.clear();
      pendingMin.clear();
      return;
    }
    long min = Long.MAX_VALUE;
    for (KV<Long, BandProbe<T>> e : rest) {
      pending.add(e);
      min = Math.min(min, e.getKey());
    }
    pendingCount.write(rest.size());
    pendingMin.write(min);
    flush.withOutputTimestamp(new Instant(min)).set(flushAt(c.window(), new Instant(min)));
  }

  @OnTimer(EXPIRY)
  public void onExpiry(
      OnTimerContext c,
      @StateId(KEPT) ValueState<KeptSet> keptState,
      @StateId(CLOSED) ValueState<Boolean> closed,
      @StateId(FLUSHED_UP_TO) ValueState<Long> flushedUpTo,
      @TimerId(GC) Timer gc) {
    KeptSet kept = keptState.read();
    if (kept != null) {
      expired.inc(kept.size());
    }
    keptState.clear();
    if (config.windowKind() == DedupeConfig.WindowKind.FIXED) {
      closed.write(true);
      Instant at =
          c.fireTimestamp().plus(org.joda.time.Duration.millis(config.windowSize().toMillis()));
      gc.withNoOutputTimestamp()
          .set(at.isAfter(c.window().maxTimestamp()) ? c.window().maxTimestamp() : at);
    } else {
      flushedUpTo.clear();
    }
  }

  @OnTimer(GC)
  public void onGc(
      @StateId(CLOSED) ValueState<Boolean> closed,
      @StateId(FLUSHED_UP_TO) ValueState<Long> flushedUpTo) {
    closed.clear();
    flushedUpTo.clear();
  }
}
