package dev.spatialvqa.transforms.mix;

import dev.spatialvqa.core.mix.Admission;
import dev.spatialvqa.core.mix.ExportLayout;
import dev.spatialvqa.core.mix.ShareRatio;
import dev.spatialvqa.schemas.MixAccounting;
import dev.spatialvqa.schemas.QaRecord;
import dev.spatialvqa.transforms.errors.Ledger;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.beam.sdk.coders.BooleanCoder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.ListCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.state.BagState;
import org.apache.beam.sdk.state.MapState;
import org.apache.beam.sdk.state.StateSpec;
import org.apache.beam.sdk.state.StateSpecs;
import org.apache.beam.sdk.state.TimeDomain;
import org.apache.beam.sdk.state.Timer;
import org.apache.beam.sdk.state.TimerSpec;
import org.apache.beam.sdk.state.TimerSpecs;
import org.apache.beam.sdk.state.ValueState;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.GlobalWindow;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.TupleTag;
import org.joda.time.Instant;

/**
 * The gate's state machine: one key, global window, event-time timers. See {@link MixGate} for the
 * semantics. State: general tokens per undecided window (map), new spatial QA (bag), QA deferred by
 * decided windows (bag, at most {@code maxDeferred}), the set of undecided windows, the end of the
 * last decided window, general tokens that arrived too late, the time of the one decide timer and,
 * with layout {@code per_image}, the conversations (images) that already have an admitted turn.
 */
final class MixGateFn extends DoFn<KV<String, MixEvent>, QaRecord> {
  private static final long serialVersionUID = 1L;

  static final TupleTag<QaRecord> ADMITTED = new TupleTag<QaRecord>("admitted") {};
  static final TupleTag<QaRecord> RESERVE = new TupleTag<QaRecord>("reserve") {};
  static final TupleTag<MixAccounting> ACCOUNTING = new TupleTag<MixAccounting>("accounting") {};

  private static final Instant END = GlobalWindow.INSTANCE.maxTimestamp();

  private final long windowMillis;
  private final long latenessMillis;
  private final ShareRatio share;
  private final boolean gated;
  private final int maxDeferred;
  private final TokenizerSpec.Costs costs;
  private final String chatFormat;
  private final ExportLayout layout;

  @StateId("open")
  private final StateSpec<MapState<String, Boolean>> openSpec =
      StateSpecs.map(StringUtf8Coder.of(), BooleanCoder.of());

  @StateId("general")
  private final StateSpec<MapState<Long, KV<Long, Long>>> generalSpec =
      StateSpecs.map(VarLongCoder.of(), KvCoder.of(VarLongCoder.of(), VarLongCoder.of()));

  @StateId("fresh")
  private final StateSpec<BagState<MixEvent>> freshSpec = StateSpecs.bag(MixEvent.Coder.of());

  @StateId("deferred")
  private final StateSpec<BagState<MixEvent>> deferredSpec = StateSpecs.bag(MixEvent.Coder.of());

  @StateId("pending")
  private final StateSpec<ValueState<List<Long>>> pendingSpec =
      StateSpecs.value(ListCoder.of(VarLongCoder.of()));

  @StateId("decidedUpTo")
  private final StateSpec<ValueState<Long>> decidedSpec = StateSpecs.value(VarLongCoder.of());

  @StateId("tooLate")
  private final StateSpec<ValueState<KV<Long, Long>>> tooLateSpec =
      StateSpecs.value(KvCoder.of(VarLongCoder.of(), VarLongCoder.of()));

  @StateId("timerAt")
  private final StateSpec<ValueState<Long>> timerAtSpec = StateSpecs.value(VarLongCoder.of());

  @TimerId("decide")
  private final TimerSpec decideSpec = TimerSpecs.timer(TimeDomain.EVENT_TIME);

  private final Counter qaAdmitted = Ledger.counter("mix.qa_admitted");
  private final Counter qaReserved = Ledger.counter("mix.qa_reserved");
  private final Counter tokAdmitted = Ledger.counter("mix.spatial_tokens_admitted");
  private final Counter tokReserved = Ledger.counter("mix.spatial_tokens_reserved");
  private final Counter generalTokens = Ledger.counter("mix.general_tokens");
  private final Counter generalTooLate = Ledger.counter("mix.general_records_too_late");
  private final Counter generalTooLateTokens = Ledger.counter("mix.general_tokens_too_late");
  private final Counter qaLate = Ledger.counter("mix.qa_after_window_decided");
  private final Counter conversationsOpened = Ledger.counter("mix.conversations_admitted");

  MixGateFn(
      long windowMillis,
      long latenessMillis,
      ShareRatio share,
      boolean gated,
      int maxDeferred,
      TokenizerSpec.Costs costs,
      String chatFormat,
      ExportLayout layout) {
    this.windowMillis = windowMillis;
    this.latenessMillis = latenessMillis;
    this.share = share;
    this.gated = gated;
    this.maxDeferred = maxDeferred;
    this.costs = costs;
    this.chatFormat = chatFormat;
    this.layout = layout;
  }

  long windowStartOf(Instant ts) {
    if (!ts.isAfter(BoundedWindow.TIMESTAMP_MIN_VALUE)) {
      return MixEvent.NO_TIME;
    }
    return Math.floorDiv(ts.getMillis(), windowMillis) * windowMillis;
  }

  /** When a window is decided: its end plus the allowed lateness (end of input for NO_TIME). */
  long deadline(long windowStart) {
    if (windowStart == MixEvent.NO_TIME) {
      return END.getMillis();
    }
    long d = windowStart + windowMillis + latenessMillis;
    return Math.min(d, END.getMillis());
  }

  @ProcessElement
  public void process(
      @Element KV<String, MixEvent> kv,
      @Timestamp Instant ts,
      @StateId("general") MapState<Long, KV<Long, Long>> general,
      @StateId("fresh") BagState<MixEvent> fresh,
      @StateId("pending") ValueState<List<Long>> pending,
      @StateId("decidedUpTo") ValueState<Long> decidedUpTo,
      @StateId("tooLate") ValueState<KV<Long, Long>> tooLate,
      @StateId("timerAt") ValueState<Long> timerAt,
      @TimerId("decide") Timer timer) {
    MixEvent e = kv.getValue();
    long w = windowStartOf(ts);
    Long decided = decidedUpTo.read();
    boolean closed = decided != null && w != MixEvent.NO_TIME && w < decided;
    if (!e.spatial) {
      if (closed) {
        KV<Long, Long> late = tooLate.read();
        tooLate.write(
            KV.of(
                (late == null ? 0 : late.getKey()) + e.tokens,
                (late == null ? 0 : late.getValue()) + 1));
        generalTooLate.inc();
        generalTooLateTokens.inc(e.tokens);
        return;
      }
      KV<Long, Long> g = general.get(w).read();
      general.put(
          w, KV.of((g == null ? 0 : g.getKey()) + e.tokens, (g == null ? 0 : g.getValue()) + 1));
      generalTokens.inc(e.tokens);
    } else {
      if (closed) {
        // A QA is never dropped for being late: it joins the first window not yet decided.
        w = decided;
        qaLate.inc();
      }
      fresh.add(e.at(w == MixEvent.NO_TIME ? MixEvent.NO_TIME : ts.getMillis(), w));
    }
    List<Long> p = pending.read();
    if (p == null || !p.contains(w)) {
      List<Long> np = p == null ? new ArrayList<>() : new ArrayList<>(p);
      np.add(w);
      pending.write(np);
    }
    long d = deadline(w);
    Long at = timerAt.read();
    if (at == null || d < at) {
      timer.set(new Instant(d));
      timerAt.write(d);
    }
  }

  @OnTimer("decide")
  public void onDecide(
      OnTimerContext ctx,
      @StateId("general") MapState<Long, KV<Long, Long>> general,
      @StateId("fresh") BagState<MixEvent> fresh,
      @StateId("deferred") BagState<MixEvent> deferred,
      @StateId("pending") ValueState<List<Long>> pending,
      @StateId("decidedUpTo") ValueState<Long> decidedUpTo,
      @StateId("tooLate") ValueState<KV<Long, Long>> tooLate,
      @StateId("timerAt") ValueState<Long> timerAt,
      @StateId("open") MapState<String, Boolean> open,
      @TimerId("decide") Timer timer) {
    long now = ctx.timestamp().getMillis();
    boolean endOfInput = !ctx.timestamp().isBefore(END);
    List<Long> p = pending.read();
    TreeSet<Long> due = new TreeSet<>();
    List<Long> rest = new ArrayList<>();
    if (p != null) {
      for (long w : p) {
        if (deadline(w) <= now) {
          due.add(w);
        } else {
          rest.add(w);
        }
      }
    }
    // NO_TIME sorts first in the set but is decided last (it is the end-of-input window).
    List<Long> order = new ArrayList<>(due);
    if (order.remove((Long) MixEvent.NO_TIME)) {
      order.add(MixEvent.NO_TIME);
    }

    TreeMap<Long, List<MixEvent>> freshByWindow = new TreeMap<>();
    List<MixEvent> keep = new ArrayList<>();
    for (MixEvent e : fresh.read()) {
      if (due.contains(e.window)) {
        freshByWindow.computeIfAbsent(e.window, k -> new ArrayList<>()).add(e);
      } else {
        keep.add(e);
      }
    }
    List<MixEvent> queue = new ArrayList<>();
    for (MixEvent e : deferred.read()) {
      queue.add(e);
    }
    queue.sort(MixEvent.ORDER);

    Long decided = decidedUpTo.read();
    for (long w : order) {
      KV<Long, Long> g = general.get(w).read();
      long gTokens = g == null ? 0 : g.getKey();
      long gRecords = g == null ? 0 : g.getValue();
      List<MixEvent> news = freshByWindow.getOrDefault(w, new ArrayList<>());
      news.sort(MixEvent.ORDER);
      KV<Long, Long> late = tooLate.read();
      tooLate.clear();
      queue = decideWindow(ctx, w, queue, news, gTokens, gRecords, late, open);
      general.remove(w);
      if (w != MixEvent.NO_TIME) {
        decided = decided == null ? w + windowMillis : Math.max(decided, w + windowMillis);
      }
    }
    if (decided != null) {
      decidedUpTo.write(decided);
    }

    if (endOfInput && (!queue.isEmpty() || tooLate.read() != null)) {
      KV<Long, Long> late = tooLate.read();
      tooLate.clear();
      handOverAtEnd(ctx, queue, late, decided);
      queue = new ArrayList<>();
    }

    deferred.clear();
    for (MixEvent e : queue) {
      deferred.add(e);
    }
    fresh.clear();
    for (MixEvent e : keep) {
      fresh.add(e);
    }
    if (rest.isEmpty()) {
      pending.clear();
    } else {
      pending.write(rest);
    }

    Long next = null;
    for (long w : rest) {
      long d = deadline(w);
      next = next == null ? d : Math.min(next, d);
    }
    if (next == null && !queue.isEmpty() && !endOfInput) {
      next = END.getMillis(); // hand the waiting QA to the reserve when a bounded input ends
    }
    if (next != null) {
      timer.set(new Instant(next));
      timerAt.write(next);
    } else {
      timerAt.clear();
    }
  }

  /** Decides one window; returns the QA that wait for later windows, in admission order. */
  private List<MixEvent> decideWindow(
      OnTimerContext ctx,
      long w,
      List<MixEvent> carried,
      List<MixEvent> news,
      long gTokens,
      long gRecords,
      KV<Long, Long> late,
      MapState<String, Boolean> open) {
    List<MixEvent> candidates = new ArrayList<>(carried.size() + news.size());
    candidates.addAll(carried);
    candidates.addAll(news);
    List<Long> tokens = new ArrayList<>(candidates.size());
    List<String> keys = new ArrayList<>(candidates.size());
    Set<String> openBefore = new HashSet<>();
    Set<String> looked = new HashSet<>();
    for (MixEvent e : candidates) {
      tokens.add(e.tokens);
      String key = layout.conversationKey(e.qa.getImageUri(), e.qa.getQaId());
      keys.add(key);
      // per_qa conversations are never reopened: only images are remembered, read once each
      if (layout == ExportLayout.PER_IMAGE
          && looked.add(key)
          && Boolean.TRUE.equals(open.get(key).read())) {
        openBefore.add(key);
      }
    }
    Admission.Decision d =
        Admission.decide(
            tokens,
            keys,
            openBefore,
            costs.conversationTokens(),
            gTokens,
            share,
            gated,
            maxDeferred);
    if (layout == ExportLayout.PER_IMAGE) {
      for (String key : d.opened) {
        open.put(key, true);
      }
    }
    conversationsOpened.inc(d.opened.size());
    for (int i : d.admitted) {
      ctx.output(ADMITTED, candidates.get(i).qa);
    }
    for (int i : d.reserved) {
      ctx.output(RESERVE, candidates.get(i).qa);
    }
    qaAdmitted.inc(d.admitted.size());
    qaReserved.inc(d.reserved.size());
    tokAdmitted.inc(d.admittedTokens);
    tokReserved.inc(d.reservedTokens);

    long carriedTokens = 0;
    for (MixEvent e : carried) {
      carriedTokens += e.tokens;
    }
    long newTokens = 0;
    for (MixEvent e : news) {
      newTokens += e.tokens;
    }
    long needed = Math.max(0, share.generalTokensNeeded(d.admittedTokens) - gTokens);
    long denom = gTokens + d.admittedTokens;
    MixAccounting.Builder b =
        base(late)
            .setWindowStart(w == MixEvent.NO_TIME ? null : w)
            .setWindowEnd(w == MixEvent.NO_TIME ? null : w + windowMillis)
            .setRecordKind("window")
            .setGeneralTokens(gTokens)
            .setGeneralRecords(gRecords)
            .setSpatialTokensCarriedIn(carriedTokens)
            .setSpatialTokensProduced(newTokens)
            .setSpatialTokensAdmitted(d.admittedTokens)
            .setSpatialTokensDeferred(d.deferredTokens)
            .setSpatialTokensReserved(d.reservedTokens)
            .setQaCarriedIn(carried.size())
            .setQaProduced(news.size())
            .setQaAdmitted(d.admitted.size())
            .setQaDeferred(d.deferred.size())
            .setQaReserved(d.reserved.size())
            .setAchievedShare(denom == 0 ? null : (double) d.admittedTokens / (double) denom)
            .setGeneralTokensNeeded(needed)
            .setConversationsOpened(d.opened.size())
            .setConversationTokensAdmitted(d.openedTokens)
            .setMinWaitingCharge(d.minWaitingCharge < 0 ? null : d.minWaitingCharge);
    ctx.output(ACCOUNTING, b.build());

    List<MixEvent> waiting = new ArrayList<>(d.deferred.size());
    for (int i : d.deferred) {
      waiting.add(candidates.get(i));
    }
    return waiting;
  }

  /** A bounded input ended: QA still waiting go to the reserve (written, never dropped). */
  private void handOverAtEnd(
      OnTimerContext ctx, List<MixEvent> queue, KV<Long, Long> late, Long decided) {
    long tokens = 0;
    for (MixEvent e : queue) {
      ctx.output(RESERVE, e.qa);
      tokens += e.tokens;
    }
    qaReserved.inc(queue.size());
    tokReserved.inc(tokens);
    ctx.output(
        ACCOUNTING,
        base(late)
            .setWindowStart(decided)
            .setWindowEnd(decided)
            .setRecordKind("end_of_input")
            .setGeneralTokens(0)
            .setGeneralRecords(0)
            .setSpatialTokensCarriedIn(tokens)
            .setSpatialTokensProduced(0)
            .setSpatialTokensAdmitted(0)
            .setSpatialTokensDeferred(0)
            .setSpatialTokensReserved(tokens)
            .setQaCarriedIn(queue.size())
            .setQaProduced(0)
            .setQaAdmitted(0)
            .setQaDeferred(0)
            .setQaReserved(queue.size())
            .setAchievedShare(null)
            .setGeneralTokensNeeded(0)
            .build());
  }

  private MixAccounting.Builder base(KV<Long, Long> late) {
    return MixAccounting.newBuilder()
        .setGeneralTokensTooLate(late == null ? 0 : late.getKey())
        .setTargetShare(share.asDouble())
        .setTargetShareExact(share.toString())
        .setGated(gated)
        .setTokenizer(costs.id)
        .setChatFormat(chatFormat)
        .setLayout(layout.id())
        .setImageTokensPerConversation(costs.imageTokensPerConversation)
        .setSpecialTokensPerConversation(costs.specialTokensPerConversation)
        .setTemplateTokensPerTurn(costs.templateTokensPerTurn);
  }
}
