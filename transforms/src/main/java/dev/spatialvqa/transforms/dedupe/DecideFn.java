package dev.spatialvqa.transforms.dedupe;

import static dev.spatialvqa.transforms.dedupe.DedupeEmbeddings.*;

import dev.spatialvqa.core.dedupe.DedupeConfig;
import dev.spatialvqa.transforms.dedupe.Stages.Verdict;
import dev.spatialvqa.transforms.dedupe.Stages.VerdictCoder;
import dev.spatialvqa.transforms.errors.Ledger;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.state.BagState;
import org.apache.beam.sdk.state.StateSpec;
import org.apache.beam.sdk.state.StateSpecs;
import org.apache.beam.sdk.state.ValueState;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.TupleTag;
import org.joda.time.Instant;

/**
 * Keyed by element occurrence: waits for every band's verdict, then keeps or drops, and clears its
 * state. Needs no expiry timer: {@code CompareInBand} answers every probe exactly once, so every
 * group completes (an event-time timer would fire too early for late elements).
 */
final class DecideFn<T> extends DoFn<KV<String, Verdict<T>>, T> {
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
