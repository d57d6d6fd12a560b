package dev.spatialvqa.transforms.mix;

import dev.spatialvqa.core.mix.ExportLayout;
import dev.spatialvqa.core.mix.ShareRatio;
import dev.spatialvqa.schemas.DeadLetter;
import dev.spatialvqa.schemas.MixAccounting;
import dev.spatialvqa.schemas.QaRecord;
import dev.spatialvqa.transforms.errors.DeadLetters;
import java.util.Map;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.extensions.avro.coders.AvroCoder;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.windowing.GlobalWindows;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.PInput;
import org.apache.beam.sdk.values.POutput;
import org.apache.beam.sdk.values.PValue;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;
import org.joda.time.Duration;

/**
 * Holds the share of spatial QA tokens in the training mix at a target (default 5%, SpatialVLM's
 * co-training share) per event-time window.
 *
 * <p><b>Inputs.</b> The spatial QA stream (the transform's input) and, optionally, a general-mix
 * stream ({@link #withGeneralMix}: JSON records with {@code num_tokens}, or {@code text} and
 * optionally {@code images}). Tokens are counted as {@code export} will present them ({@link
 * #withLayout}, default {@link ExportLayout#PER_IMAGE}), with the configured tokenizer and chat
 * format (see {@link dev.spatialvqa.core.mix.TokenCounter}): each QA is one turn costing its
 * chat-formatted question and answer (template tokens included); each conversation (an image with
 * {@code per_image}, a QA with {@code per_qa}) costs its image tokens and the tokenizer's special
 * tokens once, charged on its first admitted turn. The gate remembers which images have an admitted
 * turn, across windows, so an image is paid once however its QA are spread over windows; export
 * groups all admitted QA of an image into one conversation, so what it writes is what was charged.
 *
 * <p><b>Windows.</b> Fixed event-time windows of {@code windowSize}, aligned to the epoch. Elements
 * without an event time (bounded inputs) fall in one window decided when the input ends. A window
 * is decided once the watermark passes its end plus {@code allowedLateness}: general-mix data that
 * arrives by then counts in its window; later general data is counted (metric {@code
 * mix.general_tokens_too_late} and the next record's {@code general_tokens_too_late}) but in no
 * window. A spatial QA is never late: one whose window is already decided joins the first undecided
 * window.
 *
 * <p><b>Admission.</b> Per window, candidates (QA deferred by earlier windows, then the window's
 * own, each group by event time then QA id: never arrival order) are admitted first-fit while
 * {@code admitted * den <= num * (general + admitted)} holds, in exact integer arithmetic ({@link
 * dev.spatialvqa.core.mix.Admission}), each candidate charged its turn plus, when its conversation
 * has no admitted turn yet, the conversation's cost. The rest wait, at most {@code maxDeferred} QA;
 * past that cap (and, for a bounded input, when it ends) they go to the reserve output. Without a
 * general-mix input everything is admitted and the accounting says how many general tokens the
 * admitted spatial tokens need ({@code general_tokens_needed}).
 *
 * <p><b>Outputs.</b> {@link Result#admitted()}, {@link Result#reserve()} (QA, global window,
 * timestamped at the decision time), {@link Result#accounting()} (one {@link MixAccounting} per
 * decided window; each balances carried-in + produced = admitted + deferred + reserved), and {@link
 * Result#deadLetters()} (malformed general-mix records).
 *
 * <p><b>State.</b> One key: the share is global, so the gate runs on one worker thread (QA are a
 * small stream next to perception). Buffered: the QA of undecided windows, up to {@code
 * maxDeferred} waiting QA and, with {@code per_image}, the URIs of images with an admitted turn.
 * Metrics in the {@code spatialvqa} namespace, prefixed {@code mix.}.
 */
public final class MixGate extends PTransform<PCollection<QaRecord>, MixGate.Result> {
  private static final long serialVersionUID = 1L;
  static final String KEY = "mix";

  public static final int DEFAULT_MAX_DEFERRED = 50_000;

  private final ShareRatio share;
  private final Duration windowSize;
  private final Duration allowedLateness;
  private final int maxDeferred;
  private final TokenizerSpec tokenizer;
  private final ExportLayout layout;
  private final transient PCollection<String> generalMix;

  private MixGate(
      ShareRatio share,
      Duration windowSize,
      Duration allowedLateness,
      int maxDeferred,
      TokenizerSpec tokenizer,
      ExportLayout layout,
      PCollection<String> generalMix) {
    this.share = share;
    this.windowSize = windowSize;
    this.allowedLateness = allowedLateness;
    this.maxDeferred = maxDeferred;
    this.tokenizer = tokenizer;
    this.layout = layout;
    this.generalMix = generalMix;
  }

  /**
   * Share 1/20, one-minute windows, no allowed lateness, 50,000 deferred QA, default tokenizer,
   * layout {@code per_image}.
   */
  public static MixGate create() {
    return new MixGate(
        ShareRatio.of(1, 20),
        Duration.standardMinutes(1),
        Duration.ZERO,
        DEFAULT_MAX_DEFERRED,
        TokenizerSpec.defaults(),
        ExportLayout.DEFAULT,
        null);
  }

  /** How export will group the admitted QA into conversations, and so how they are charged. */
  public MixGate withLayout(ExportLayout l) {
    if (l == null) {
      throw new IllegalArgumentException("layout must not be null");
    }
    return new MixGate(share, windowSize, allowedLateness, maxDeferred, tokenizer, l, generalMix);
  }

  public MixGate withSpatialShare(ShareRatio s) {
    if (s == null) {
      throw new IllegalArgumentException("spatialShare must not be null");
    }
    return new MixGate(s, windowSize, allowedLateness, maxDeferred, tokenizer, layout, generalMix);
  }

  public MixGate withWindowSize(Duration d) {
    if (d == null || d.getMillis() <= 0) {
      throw new IllegalArgumentException("mix windowSize must be > 0, got " + d);
    }
    return new MixGate(share, d, allowedLateness, maxDeferred, tokenizer, layout, generalMix);
  }

  public MixGate withAllowedLateness(Duration d) {
    if (d == null || d.getMillis() < 0) {
      throw new IllegalArgumentException("mix allowedLateness must be >= 0, got " + d);
    }
    return new MixGate(share, windowSize, d, maxDeferred, tokenizer, layout, generalMix);
  }

  public MixGate withMaxDeferred(int n) {
    if (n < 0) {
      throw new IllegalArgumentException("maxDeferred must be >= 0, got " + n);
    }
    return new MixGate(share, windowSize, allowedLateness, n, tokenizer, layout, generalMix);
  }

  public MixGate withTokenizer(TokenizerSpec t) {
    if (t == null) {
      throw new IllegalArgumentException("tokenizer must not be null");
    }
    return new MixGate(share, windowSize, allowedLateness, maxDeferred, t, layout, generalMix);
  }

  /** The general-mix records (JSON strings; element timestamps are their event times). */
  public MixGate withGeneralMix(PCollection<String> records) {
    return new MixGate(share, windowSize, allowedLateness, maxDeferred, tokenizer, layout, records);
  }

  @Override
  public Result expand(PCollection<QaRecord> qa) {
    Pipeline p = qa.getPipeline();
    // loads the tokenizer once: a bad tokenizer fails at construction
    TokenizerSpec.Costs costs = tokenizer.costs();
    KvCoder<String, MixEvent> coder = KvCoder.of(StringUtf8Coder.of(), MixEvent.Coder.of());

    PCollection<KV<String, MixEvent>> spatial =
        qa.apply("CountSpatialTokens", ParDo.of(new CountQaTokensFn(tokenizer))).setCoder(coder);

    PCollectionList<KV<String, MixEvent>> parts = PCollectionList.of(spatial);
    PCollection<DeadLetter> dead;
    if (generalMix != null) {
      PCollectionTuple g =
          generalMix.apply(
              "CountGeneralTokens",
              ParDo.of(new ParseGeneralMixFn(tokenizer))
                  .withOutputTags(ParseGeneralMixFn.MAIN, TupleTagList.of(DeadLetters.TAG)));
      parts = parts.and(g.get(ParseGeneralMixFn.MAIN).setCoder(coder));
      dead = g.get(DeadLetters.TAG).setCoder(AvroCoder.specific(DeadLetter.class));
    } else {
      dead = p.apply("NoGeneralMixDeadLetters", Create.empty(AvroCoder.specific(DeadLetter.class)));
    }

    PCollectionTuple out =
        parts
            .apply("FlattenMixInputs", Flatten.pCollections())
            .apply("IntoGateWindow", Window.<KV<String, MixEvent>>into(new GlobalWindows()))
            .apply(
                "Gate",
                ParDo.of(
                        new MixGateFn(
                            windowSize.getMillis(),
                            allowedLateness.getMillis(),
                            share,
                            generalMix != null,
                            maxDeferred,
                            costs,
                            tokenizer.chatFormat().name(),
                            layout))
                    .withOutputTags(
                        MixGateFn.ADMITTED,
                        TupleTagList.of(MixGateFn.RESERVE).and(MixGateFn.ACCOUNTING)));

    AvroCoder<QaRecord> qaCoder = AvroCoder.specific(QaRecord.class);
    return new Result(
        p,
        out.get(MixGateFn.ADMITTED).setCoder(qaCoder),
        out.get(MixGateFn.RESERVE).setCoder(qaCoder),
        out.get(MixGateFn.ACCOUNTING).setCoder(AvroCoder.specific(MixAccounting.class)),
        dead);
  }

  /** The gate's outputs. */
  public static final class Result implements POutput {
    private static final TupleTag<QaRecord> ADMITTED = new TupleTag<>("admitted");
    private static final TupleTag<QaRecord> RESERVE = new TupleTag<>("reserve");
    private static final TupleTag<MixAccounting> ACCOUNTING = new TupleTag<>("accounting");
    private static final TupleTag<DeadLetter> DEAD = new TupleTag<>("deadletters");

    private final Pipeline pipeline;
    private final PCollection<QaRecord> admitted;
    private final PCollection<QaRecord> reserve;
    private final PCollection<MixAccounting> accounting;
    private final PCollection<DeadLetter> deadLetters;

    Result(
        Pipeline pipeline,
        PCollection<QaRecord> admitted,
        PCollection<QaRecord> reserve,
        PCollection<MixAccounting> accounting,
        PCollection<DeadLetter> deadLetters) {
      this.pipeline = pipeline;
      this.admitted = admitted;
      this.reserve = reserve;
      this.accounting = accounting;
      this.deadLetters = deadLetters;
    }

    /** QA admitted within the share: what {@code OUTPUT/qa/} holds. */
    public PCollection<QaRecord> admitted() {
      return admitted;
    }

    /**
     * QA past the deferral cap or still waiting when a bounded input ended: {@code
     * OUTPUT/reserve/}.
     */
    public PCollection<QaRecord> reserve() {
      return reserve;
    }

    /** One record per decided window: {@code OUTPUT/accounting/}. */
    public PCollection<MixAccounting> accounting() {
      return accounting;
    }

    /** Malformed general-mix records. */
    public PCollection<DeadLetter> deadLetters() {
      return deadLetters;
    }

    @Override
    public Pipeline getPipeline() {
      return pipeline;
    }

    @Override
    public Map<TupleTag<?>, PValue> expand() {
      return Map.of(
          ADMITTED, admitted, RESERVE, reserve, ACCOUNTING, accounting, DEAD, deadLetters);
    }

    @Override
    public void finishSpecifyingOutput(
        String transformName, PInput input, PTransform<?, ?> transform) {}
  }
}
