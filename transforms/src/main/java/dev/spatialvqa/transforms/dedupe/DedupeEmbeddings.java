package dev.spatialvqa.transforms.dedupe;

import dev.spatialvqa.core.dedupe.DedupeConfig;
import dev.spatialvqa.core.dedupe.HyperplaneLsh;
import dev.spatialvqa.core.dedupe.KeptSet;
import dev.spatialvqa.core.math.Vectors;
import dev.spatialvqa.schemas.DuplicateRecord;
import dev.spatialvqa.transforms.dedupe.Stages.BandProbe;
import dev.spatialvqa.transforms.dedupe.Stages.BandProbeCoder;
import dev.spatialvqa.transforms.dedupe.Stages.KeptSetCoder;
import dev.spatialvqa.transforms.dedupe.Stages.Verdict;
import dev.spatialvqa.transforms.dedupe.Stages.VerdictCoder;
import dev.spatialvqa.transforms.errors.Ledger;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.coders.BooleanCoder;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.extensions.avro.coders.AvroCoder;
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
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.GlobalWindows;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;
import org.joda.time.Instant;

/**
 * Drops near-duplicate elements by embedding similarity, in the shape of Beam's {@code
 * Deduplicate}: stateful DoFns whose event-time expiry timers clear their state and do not hold the
 * watermark. Works on any {@link Embedded} element (QA records, images, captions); the payload
 * passes through unchanged.
 *
 * <p><b>Graph</b> (stable step names): {@code Window} (into the global window: the dedupe windows
 * are logical, part of the state keys, so that the runner never drops a late element silently) -
 * {@code KeyById}, {@code RepeatedIds} (keyed by id and window: a repeated id in the window is a
 * duplicate with similarity 1) - {@code KeyByBand} (one copy per LSH band key and window; seeded
 * random hyperplanes, so near neighbours share at least one key with the probability {@link
 * HyperplaneLsh#collisionProbability} gives) - {@code CompareInBand} (keyed by band key and window:
 * buffers the probes until its flush timer, then compares them in the canonical order with the
 * key's bounded set of kept embeddings; new ones are added) - {@code Decide} (keyed by element:
 * once every band has answered, the element is kept when no band found a match above the threshold,
 * else it is a duplicate of the most similar match) - {@code FlattenDuplicates}.
 *
 * <p><b>Windowing and lateness</b> (event time). Fixed: an element is compared with the elements of
 * its window {@code [k*size, (k+1)*size)} that precede it; the window's state lives until its end
 * plus the allowed lateness (an event-time expiry timer that does not hold the watermark), so an
 * element late by at most the allowed lateness is still compared. A droppably late element (its
 * window's state already expired) cannot be compared: it is kept and counted as {@code
 * <kind>_dedupe_too_late} (Beam windows would have dropped it silently). Sliding: an element is
 * compared with kept ones at most {@code windowSize} earlier in event time; each key's state is
 * cleared by a timer at its newest entry + size + lateness. Outputs keep their timestamps and are
 * in the global window (re-window downstream as needed).
 *
 * <p><b>Guarantees.</b> Every input is exactly one of: an element of the kept output, or a {@link
 * DuplicateRecord} on {@link #DUPLICATES} (counted as {@code <kind>_duplicates}; kept ones as
 * {@code <kind>_dedupe_kept}). A duplicate names an element that precedes it in the canonical order
 * (earlier event time, then smaller id) with similarity above the threshold; that element was kept
 * or was itself a duplicate of an earlier one (each band key stores what was new to it), so every
 * chain ends at a kept element, and since "duplicate of" only points back in that order, the first
 * element of a cluster is never dropped whatever order the runner delivers elements in (different
 * band keys may see different orders). <b>Arrival order.</b> {@code CompareInBand} buffers each
 * key's probes and compares them sorted by the canonical order when the watermark passes the fixed
 * window's end (sliding: the probe's timestamp); the flush timer holds the watermark at the
 * earliest buffered timestamp. So on bounded input, and for elements that arrive before the
 * watermark passes their window's end, the verdicts do not depend on arrival order (tested with a
 * list and its reverse). Misses remain possible: a late element (arriving after its key was
 * flushed) is compared at once and only with stored earlier elements, so when it is earlier in the
 * canonical order than a stored near-duplicate both are kept; so is a probe that finds its key's
 * buffer full ({@link DedupeConfig#maxPendingPerKey}, counted {@code dedupe_buffer_full}); and LSH
 * puts a near-duplicate pair in no common band key with probability {@code 1 -
 * collisionProbability(cos)}. Verdicts of buffered elements come at the flush: up to one window
 * size of latency with fixed windows.
 *
 * <p><b>State and memory.</b> Per band key and window: at most {@code maxKeptPerKey} entries of
 * {@code 4 * dim + ~64} bytes (384-d: ~1.6 KB each); at most {@code bands * 2^bitsPerBand} keys per
 * window ({@link DedupeConfig#stateBoundBytes}); with the defaults (8 bands x 6 bits, 64 per key,
 * 384-d) at most ~52 MB per live window, usually far less (one entry per band per new element),
 * plus the flush buffer: at most {@link DedupeConfig#maxPendingPerKey} probes per key ({@link
 * DedupeConfig#pendingBoundBytes}, ~210 MB with the defaults at 384-d, plus payloads; emptied at
 * each flush). {@code RepeatedIds} holds one long per distinct id per window; {@code Decide} holds
 * at most {@code bands} small verdicts per element in flight. Metrics: distribution {@code
 * dedupe_kept_per_key}, counters {@code dedupe_state_evicted}, {@code dedupe_state_expired}.
 *
 * <p>Elements of the same non-null {@link Embedded#group()} are never compared with each other (QA
 * records of one scene). Embeddings should be unit length (they are normalised here, which costs
 * one copy); all must have the same dimension.
 */
public final class DedupeEmbeddings<T>
    extends PTransform<PCollection<Embedded<T>>, PCollectionTuple> {
  private static final long serialVersionUID = 1L;

  /** The dropped elements. */
  public static final TupleTag<DuplicateRecord> DUPLICATES =
      new TupleTag<DuplicateRecord>("duplicates") {};

  private final String kind;
  private final DedupeConfig config;
  private final Coder<T> payloadCoder;
  private final TupleTag<T> keptTag;
  private final String embedderId;

  private DedupeEmbeddings(
      String kind,
      DedupeConfig config,
      Coder<T> payloadCoder,
      TupleTag<T> keptTag,
      String embedderId) {
    this.kind = kind;
    this.config = config;
    this.payloadCoder = payloadCoder;
    this.keptTag = keptTag;
    this.embedderId = embedderId;
  }

  /**
   * @param kind what the elements are ({@code qa}, {@code image}, ...): names the counters and is
   *     recorded in each {@link DuplicateRecord}
   * @param keptTag the tag of the kept output in the returned tuple
   */
  public static <T> DedupeEmbeddings<T> of(
      String kind, DedupeConfig config, Coder<T> payloadCoder, TupleTag<T> keptTag) {
    if (kind == null || !kind.matches("[a-z][a-z0-9_]*")) {
      throw new IllegalArgumentException("kind must be snake_case, got '" + kind + "'");
    }
    return new DedupeEmbeddings<>(kind, config, payloadCoder, keptTag, null);
  }

  /** Records the embedding model's id in each {@link DuplicateRecord}. */
  public DedupeEmbeddings<T> withEmbedderId(String id) {
    return new DedupeEmbeddings<>(kind, config, payloadCoder, keptTag, id);
  }

  @Override
  public PCollectionTuple expand(PCollection<Embedded<T>> input) {
    Coder<Embedded<T>> embeddedCoder = Embedded.EmbeddedCoder.of(payloadCoder);
    PCollection<Embedded<T>> windowed =
        input.apply("Window", Window.<Embedded<T>>into(new GlobalWindows()));

    TupleTag<KV<String, Embedded<T>>> firstTag = new TupleTag<>("first");
    PCollectionTuple repeated =
        windowed
            .apply("KeyById", ParDo.of(new KeyByIdFn<T>(config)))
            .setCoder(KvCoder.of(StringUtf8Coder.of(), embeddedCoder))
            .apply(
                "RepeatedIds",
                ParDo.of(new RepeatedIdFn<T>(kind, config, embedderId, firstTag))
                    .withOutputTags(firstTag, TupleTagList.of(DUPLICATES)));

    PCollection<KV<String, Verdict<T>>> verdicts =
        repeated
            .get(firstTag)
            .setCoder(KvCoder.of(StringUtf8Coder.of(), embeddedCoder))
            .apply("KeyByBand", ParDo.of(new KeyByBandFn<T>(config)))
            .setCoder(KvCoder.of(StringUtf8Coder.of(), new BandProbeCoder<>(payloadCoder)))
            .apply("CompareInBand", ParDo.of(new CompareInBandFn<T>(config, payloadCoder)))
            .setCoder(KvCoder.of(StringUtf8Coder.of(), new VerdictCoder<>(payloadCoder)));

    PCollectionTuple decided =
        verdicts.apply(
            "Decide",
            ParDo.of(new DecideFn<T>(kind, config, payloadCoder, embedderId, keptTag))
                .withOutputTags(keptTag, TupleTagList.of(DUPLICATES)));
    decided.get(keptTag).setCoder(payloadCoder);

    PCollection<DuplicateRecord> duplicates =
        org.apache.beam.sdk.values.PCollectionList.of(
                repeated.get(DUPLICATES).setCoder(AvroCoder.of(DuplicateRecord.class)))
            .and(decided.get(DUPLICATES).setCoder(AvroCoder.of(DuplicateRecord.class)))
            .apply("FlattenDuplicates", org.apache.beam.sdk.transforms.Flatten.pCollections());
    return PCollectionTuple.of(keptTag, decided.get(keptTag)).and(DUPLICATES, duplicates);
  }

  /** Start of the fixed window holding {@code tsMillis} (windows aligned to the epoch). */
  static long windowStart(DedupeConfig config, long tsMillis) {
    long size = config.windowSize().toMillis();
    return Math.floorDiv(tsMillis, size) * size;
  }

  /** The state-key suffix of an element: its fixed window's start, or nothing when sliding. */
  static String windowSuffix(DedupeConfig config, Instant ts) {
    return config.windowKind() == DedupeConfig.WindowKind.FIXED
        ? "|" + windowStart(config, ts.getMillis())
        : "";
  }

  /**
   * When the state cell for an element at {@code ts} may be cleared: its fixed window's end plus
   * the allowed lateness, or (sliding) {@code ts} + size + lateness.
   */
  static Instant expiry(DedupeConfig config, BoundedWindow window, Instant ts) {
    long t =
        config.windowKind() == DedupeConfig.WindowKind.FIXED
            ? windowStart(config, ts.getMillis()) + config.windowSize().toMillis()
            : ts.getMillis() + config.windowSize().toMillis();
    Instant e =
        new Instant(t).plus(org.joda.time.Duration.millis(config.allowedLateness().toMillis()));
    return e.isAfter(window.maxTimestamp()) ? window.maxTimestamp() : e;
  }

  static DuplicateRecord duplicate(
      String kind,
      String keptId,
      String droppedId,
      double similarity,
      String reason,
      DedupeConfig config,
      Instant ts,
      long keptTs,
      String embedderId) {
    Long start = null;
    Long end = null;
    if (config.windowKind() == DedupeConfig.WindowKind.FIXED) {
      start = windowStart(config, ts.getMillis());
      end = start + config.windowSize().toMillis();
    }
    return DuplicateRecord.newBuilder()
        .setKind(kind)
        .setKeptId(keptId)
        .setDroppedId(droppedId)
        .setSimilarity(similarity)
        .setReason(reason)
        .setWindowStart(start)
        .setWindowEnd(end)
        .setEventTime(ts.getMillis())
        .setKeptEventTime(keptTs)
        .setEmbedder(embedderId)
        .build();
  }

  static final class KeyByIdFn<T> extends DoFn<Embedded<T>, KV<String, Embedded<T>>> {
    private final DedupeConfig config;

    KeyByIdFn(DedupeConfig config) {
      this.config = config;
    }

    @ProcessElement
    public void process(
        @Element Embedded<T> e,
        @Timestamp Instant ts,
        OutputReceiver<KV<String, Embedded<T>>> out) {
      out.output(KV.of(e.id() + windowSuffix(config, ts), e));
    }
  }

  /** Keyed by id: the first occurrence in the window passes, repeats are duplicates (sim 1). */
  static final class RepeatedIdFn<T>
      extends DoFn<KV<String, Embedded<T>>, KV<String, Embedded<T>>> {
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

  /** One copy of each element per band key; band 0 carries the payload. */
  static final class KeyByBandFn<T>
      extends DoFn<KV<String, Embedded<T>>, KV<String, BandProbe<T>>> {
    private final DedupeConfig config;
    private transient HyperplaneLsh lsh;

    KeyByBandFn(DedupeConfig config) {
      this.config = config;
    }

    @ProcessElement
    public void process(
        @Element KV<String, Embedded<T>> kv,
        @Timestamp Instant ts,
        OutputReceiver<KV<String, BandProbe<T>>> out) {
      Embedded<T> e = kv.getValue();
      float[] v = Vectors.normalized(e.embedding());
      if (lsh == null || lsh.dimension() != v.length) {
        lsh = new HyperplaneLsh(v.length, config.bands(), config.bitsPerBand(), config.seed());
      }
      String[] keys = lsh.keys(v);
      for (int b = 0; b < keys.length; b++) {
        out.output(
            KV.of(
                keys[b] + windowSuffix(config, ts),
                new BandProbe<>(e.id(), e.group(), b, v, b == 0 ? e.payload() : null)));
      }
    }
  }

  /**
   * Keyed by band key (and fixed window): compares with the bounded set of kept embeddings, keeps
   * what is new, in the canonical order (event time, then id) whatever the arrival order. Probes
   * are buffered ({@code pending}) until a {@code flush} event-time timer fires: at the fixed
   * window's end, or (sliding) at the earliest buffered timestamp; the flush timer's output
   * timestamp (watermark hold) is the earliest buffered timestamp, so verdicts are never late for
   * the hold. The flush sorts the buffer and compares in that order, so on bounded input (all
   * elements in before the watermark moves) the verdicts do not depend on arrival order. A probe at
   * or before the last flushed timestamp (late data) is compared at once with the kept set. The
   * buffer is bounded: past {@code 4 * maxKeptPerKey} buffered probes a probe is compared at once
   * (counted {@code dedupe_buffer_full}). Fixed windows: the expiry timer at window end + lateness
   * clears the set and leaves a one-boolean tombstone (cleared one window size later by the {@code
   * gc} timer), so an element arriving after its window expired is reported too late instead of
   * compared with an empty set. Expiry and gc timers do not hold the watermark.
   */
  static final class CompareInBandFn<T>
      extends DoFn<KV<String, BandProbe<T>>, KV<String, Verdict<T>>> {
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

    CompareInBandFn(DedupeConfig config, Coder<T> payloadCoder) {
      this.config = config;
      this.pendingSpec =
          StateSpecs.bag(KvCoder.of(VarLongCoder.of(), new BandProbeCoder<>(payloadCoder)));
    }

    private int maxPending() {
      return config.maxPendingPerKey();
    }

    /**
     * Flushed verdicts carry their element's timestamp, which is at or after the flush timer's
     * output timestamp (the earliest buffered one) on runners that honour a re-set timer's output
     * timestamp; Flink's batch timer internals keep the first one, so the check is lifted. Verdicts
     * go to {@code Decide}, which is in the global window and keyed by element: none is dropped.
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
              ? new Instant(
                  windowStart(config, ts.getMillis()) + config.windowSize().toMillis() - 1)
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
      KeptSet.Match m =
          kept.bestMatch(p.id, p.group, p.embedding, ts, config.threshold(), lookback);
      if (m != null) {
        return new Verdict<>(
            p.band, m.entry.id, m.entry.timestampMillis, m.similarity, false, p.payload);
      }
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

  /**
   * Keyed by element occurrence: waits for every band's verdict, then keeps or drops, and clears
   * its state. Needs no expiry timer: {@code CompareInBand} answers every probe exactly once, so
   * every group completes (an event-time timer would fire too early for late elements).
   */
  static final class DecideFn<T> extends DoFn<KV<String, Verdict<T>>, T> {
    private static final String VERDICTS = "verdicts";
    private static final String COUNT = "count";

    @StateId(VERDICTS)
    private final StateSpec<BagState<Verdict<T>>> verdictsSpec;

    @StateId(COUNT)
    private final StateSpec<ValueState<Integer>> countSpec = StateSpecs.value(VarIntCoder.of());

    private final String kind;
    private final DedupeConfig config;
    private final String embedderId;
    private final TupleTag<T> keptTag;
    private final Counter duplicates;
    private final Counter keptCounter;
    private final Counter tooLateCounter;

    DecideFn(
        String kind,
        DedupeConfig config,
        Coder<T> payloadCoder,
        String embedderId,
        TupleTag<T> keptTag) {
      this.kind = kind;
      this.config = config;
      this.embedderId = embedderId;
      this.keptTag = keptTag;
      this.verdictsSpec = StateSpecs.bag(new VerdictCoder<>(payloadCoder));
      this.duplicates = Ledger.counter(kind + "_duplicates");
      this.keptCounter = Ledger.counter(kind + "_dedupe_kept");
      this.tooLateCounter = Ledger.counter(kind + "_dedupe_too_late");
    }

    @ProcessElement
    public void process(
        @Element KV<String, Verdict<T>> kv,
        @Timestamp Instant ts,
        BoundedWindow window,
        @StateId(VERDICTS) BagState<Verdict<T>> verdicts,
        @StateId(COUNT) ValueState<Integer> count,
        MultiOutputReceiver out) {
      Integer c = count.read();
      int n = (c == null ? 0 : c) + 1;
      if (n < config.bands()) {
        verdicts.add(kv.getValue());
        count.write(n);
        return;
      }
      List<Verdict<T>> all = new ArrayList<>();
      verdicts.read().forEach(all::add);
      all.add(kv.getValue());
      verdicts.clear();
      count.clear();
      T payload = null;
      Verdict<T> best = null;
      boolean tooLate = false;
      for (Verdict<T> v : all) {
        if (v.band == 0) {
          payload = v.payload;
        }
        tooLate |= v.tooLate;
        if (v.keptId != null && (best == null || v.similarity > best.similarity)) {
          best = v;
        }
      }
      String id = kv.getKey().substring(0, kv.getKey().lastIndexOf('@'));
      if (best == null) {
        if (tooLate) {
          tooLateCounter.inc();
        }
        keptCounter.inc();
        out.get(keptTag).output(payload);
      } else {
        duplicates.inc();
        out.get(DUPLICATES)
            .output(
                duplicate(
                    kind,
                    best.keptId,
                    id,
                    best.similarity,
                    "near_duplicate",
                    config,
                    ts,
                    best.keptTimestamp,
                    embedderId));
      }
    }
  }
}
