package dev.spatialvqa.transforms.dedupe;

import dev.spatialvqa.core.dedupe.DedupeConfig;
import dev.spatialvqa.core.dedupe.HyperplaneLsh;
import dev.spatialvqa.schemas.DuplicateRecord;
import dev.spatialvqa.transforms.dedupe.Stages.BandProbeCoder;
import dev.spatialvqa.transforms.dedupe.Stages.Verdict;
import dev.spatialvqa.transforms.dedupe.Stages.VerdictCoder;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.extensions.avro.coders.AvroCoder;
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
  static final long serialVersionUID = 1L;

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
}
