package dev.spatialvqa.transforms.dedupe;

import dev.spatialvqa.core.dedupe.DedupeConfig;
import dev.spatialvqa.core.embed.TextEmbedder;
import dev.spatialvqa.core.embed.TextEmbedders;
import dev.spatialvqa.schemas.DuplicateRecord;
import dev.spatialvqa.schemas.QaRecord;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.extensions.avro.coders.AvroCoder;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.joda.time.Instant;

/**
 * Drops near-duplicate QA records across the stream: each record is embedded as its question,
 * answer and referring expressions ({@link #textOf}) with the configured text embedder, then
 * deduplicated by {@link DedupeEmbeddings} (kind {@code qa}; see there for windowing, state, memory
 * and guarantees). QA records of the same scene are never compared with each other (they are
 * different questions about one image, however alike): only QA of other scenes (re-crawled or
 * near-identical images) can duplicate them. Bounded or unbounded input.
 *
 * <p>Outputs: {@link #KEPT} (the QA records kept, unchanged) and {@link #DUPLICATES} (one {@link
 * DuplicateRecord} per dropped record, {@code dropped_id} = its {@code qa_id}). Counters: {@code
 * qa_duplicates}, {@code qa_dedupe_kept}. Steps: {@code EmbedQa}, {@code DedupeQa}.
 */
public final class DedupeQaTexts extends PTransform<PCollection<QaRecord>, PCollectionTuple> {
  private static final long serialVersionUID = 1L;

  public static final TupleTag<QaRecord> KEPT = new TupleTag<QaRecord>("kept") {};
  public static final TupleTag<DuplicateRecord> DUPLICATES = DedupeEmbeddings.DUPLICATES;

  private final DedupeConfig config;

  private DedupeQaTexts(DedupeConfig config) {
    this.config = config;
  }

  public static DedupeQaTexts of(DedupeConfig config) {
    return new DedupeQaTexts(config);
  }

  /** The text a QA record is embedded as. */
  public static String textOf(QaRecord qa) {
    StringBuilder sb = new StringBuilder(qa.getQuestion()).append(' ').append(qa.getAnswer());
    for (String ref : qa.getObjectRefs()) {
      sb.append(" | ").append(ref);
    }
    return sb.toString();
  }

  @Override
  public PCollectionTuple expand(PCollection<QaRecord> input) {
    return input
        .apply(
            "EmbedQa",
            ParDo.of(
                new EmbedTextFn<>(
                    config.embedder(),
                    QaRecord::getQaId,
                    QaRecord::getSceneId,
                    DedupeQaTexts::textOf)))
        .setCoder(Embedded.EmbeddedCoder.of(AvroCoder.of(QaRecord.class)))
        .apply(
            "DedupeQa",
            DedupeEmbeddings.of("qa", config, AvroCoder.of(QaRecord.class), KEPT)
                .withEmbedderId(config.embedder()));
  }

  /** A serialisable function, for the id and text of an element. */
  public interface SerializableFn<A, B> extends java.io.Serializable {
    B apply(A a);
  }

  /**
   * Embeds elements' texts in batches with a {@link TextEmbedder} built from its spec in
   * {@code @Setup} (the model is shared per JVM; the embedder, not thread-safe, is per DoFn
   * instance). Texts are embedded as soon as {@code BATCH} are pending; results are emitted at
   * bundle end with each element's own timestamp and window (Beam allows no earlier timestamps from
   * {@code @ProcessElement}), so memory is one bundle of elements plus their vectors.
   */
  public static final class EmbedTextFn<T> extends DoFn<T, Embedded<T>> {
    private static final int BATCH = 64;

    private final String embedderSpec;
    private final SerializableFn<T, String> idFn;
    private final SerializableFn<T, String> groupFn;
    private final SerializableFn<T, String> textFn;
    private transient TextEmbedder embedder;
    private transient List<T> pending;
    private transient List<Instant> pendingTs;
    private transient List<BoundedWindow> pendingWindows;
    private transient List<float[]> vectors;

    public EmbedTextFn(
        String embedderSpec, SerializableFn<T, String> idFn, SerializableFn<T, String> textFn) {
      this(embedderSpec, idFn, null, textFn);
    }

    /**
     * @param groupFn elements of one group are never duplicates of each other (null: no groups)
     */
    public EmbedTextFn(
        String embedderSpec,
        SerializableFn<T, String> idFn,
        SerializableFn<T, String> groupFn,
        SerializableFn<T, String> textFn) {
      this.embedderSpec = embedderSpec;
      this.idFn = idFn;
      this.groupFn = groupFn;
      this.textFn = textFn;
    }

    @Setup
    public void setup() {
      embedder = TextEmbedders.create(embedderSpec);
    }

    @StartBundle
    public void startBundle() {
      pending = new ArrayList<>();
      pendingTs = new ArrayList<>();
      pendingWindows = new ArrayList<>();
      vectors = new ArrayList<>();
    }

    @ProcessElement
    public void process(@Element T e, @Timestamp Instant ts, BoundedWindow w) {
      pending.add(e);
      pendingTs.add(ts);
      pendingWindows.add(w);
      if (pending.size() - vectors.size() >= BATCH) {
        embedPending();
      }
    }

    @FinishBundle
    public void finishBundle(FinishBundleContext c) {
      embedPending();
      for (int i = 0; i < pending.size(); i++) {
        T e = pending.get(i);
        String group = groupFn == null ? null : groupFn.apply(e);
        c.output(
            Embedded.of(idFn.apply(e), group, vectors.get(i), e),
            pendingTs.get(i),
            pendingWindows.get(i));
      }
      pending.clear();
      pendingTs.clear();
      pendingWindows.clear();
      vectors.clear();
    }

    private void embedPending() {
      if (vectors.size() == pending.size()) {
        return;
      }
      List<String> texts = new ArrayList<>();
      for (T e : pending.subList(vectors.size(), pending.size())) {
        texts.add(textFn.apply(e));
      }
      for (float[] v : embedder.embed(texts)) {
        vectors.add(v);
      }
    }

    @Teardown
    public void teardown() {
      if (embedder != null) {
        embedder.close();
      }
    }
  }
}
