package dev.spatialvqa.transforms.dedupe;

import dev.spatialvqa.core.dedupe.ImageDedupeConfig;
import dev.spatialvqa.core.dedupe.PerceptualHash;
import dev.spatialvqa.schemas.DuplicateRecord;
import dev.spatialvqa.schemas.PerceivedScene;
import dev.spatialvqa.transforms.errors.Ledger;
import java.util.List;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.extensions.avro.coders.AvroCoder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.GlobalWindows;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;

/**
 * Drops scenes whose image duplicates an earlier scene's: where duplication happens (re-crawls, the
 * same dataset listed twice), not among the QA of distinct scenes. Both entries (manifest and
 * crawl) pass here, before lifting, so a duplicate costs no lifting, QA generation or token
 * accounting.
 *
 * <p>Three stages, each in the global window with keyed state that expires after the TTL ({@link
 * ImageDedupeConfig#ttl}) of event time, so re-crawls days apart are caught whatever the output
 * windows:
 *
 * <ol>
 *   <li>{@code SameContent}: keyed by the image's sha256 ({@code content_hash}): a later scene with
 *       the same bytes is a duplicate ({@code method = sha256}, reason {@code same_content},
 *       similarity 1). State: one id and timestamp per distinct image, cleared by an event-time
 *       timer at its timestamp + TTL + lateness.
 *   <li>{@code NearPhash}: {@link DedupeEmbeddings} on the 64-bit perceptual hash ({@code phash},
 *       as a {@code +-1/8} vector: cosine {@code = 1 - 2 d / 64}) with a sliding look-back of the
 *       TTL: scenes at most {@link ImageDedupeConfig#maxHammingDistance} bits apart are
 *       near-duplicates ({@code method = phash64}); disjoint hash-bit band keys (certain to meet
 *       within the distance), at most {@code maxKeptPerKey} entries per key, expiry timers (see
 *       {@link DedupeEmbeddings}).
 *   <li>{@code NearClip}: scenes with a CLIP image embedding ({@code clip_embedding}, computed by
 *       the scene filter when a CLIP vision model is configured) are also compared by cosine
 *       ({@code method = clip}, threshold {@link ImageDedupeConfig#clipThreshold}); scenes without
 *       one pass.
 * </ol>
 *
 * <p>Every scene in is exactly one of: a kept scene ({@link #KEPT}) or one {@link DuplicateRecord}
 * ({@link #DUPLICATES}: {@code dropped_id} the scene id, {@code kept_id} the earlier scene's id,
 * the similarity and the method), counted in the ledger as {@code filtered.duplicate_scene}. Scenes
 * with neither a content hash nor a perceptual hash are kept and counted {@code
 * scene_dedupe_unsigned}. State size: counters {@code dedupe_state_added}, {@code
 * dedupe_state_evicted}, {@code dedupe_state_expired} (added - evicted - expired = live band
 * entries), {@code scene_dedupe_exact_entries} - {@code scene_dedupe_exact_expired} (live content
 * hashes; {@link ImageDedupeConfig#bytesPerKeptScenePhash} the bytes each costs), distribution
 * {@code dedupe_kept_per_key}.
 */
public final class DedupeScenes extends PTransform<PCollection<PerceivedScene>, PCollectionTuple> {
  private static final long serialVersionUID = 1L;

  public static final String REASON = "duplicate_scene";
  public static final String METHOD_SHA256 = "sha256";
  public static final String METHOD_PHASH = "phash64";
  public static final String METHOD_CLIP = "clip";

  public static final TupleTag<PerceivedScene> KEPT = new TupleTag<PerceivedScene>("scenes") {};
  public static final TupleTag<DuplicateRecord> DUPLICATES = DedupeEmbeddings.DUPLICATES;

  private final ImageDedupeConfig config;

  private DedupeScenes(ImageDedupeConfig config) {
    this.config = config;
  }

  public static DedupeScenes of(ImageDedupeConfig config) {
    return new DedupeScenes(config);
  }

  @Override
  public PCollectionTuple expand(PCollection<PerceivedScene> scenes) {
    Coder<PerceivedScene> sceneCoder = AvroCoder.specific(PerceivedScene.class);
    Coder<DuplicateRecord> dupCoder = AvroCoder.specific(DuplicateRecord.class);

    // 1. same bytes
    TupleTag<PerceivedScene> firstTag = new TupleTag<PerceivedScene>("first") {};
    PCollectionTuple exact =
        scenes
            .apply("GlobalWindow", Window.<PerceivedScene>into(new GlobalWindows()))
            .apply("KeyByContent", ParDo.of(new KeyByContentFn()))
            .setCoder(KvCoder.of(StringUtf8Coder.of(), sceneCoder))
            .apply(
                "SameContent",
                ParDo.of(new SameContentFn(config, firstTag))
                    .withOutputTags(firstTag, TupleTagList.of(DUPLICATES)));
    exact.get(firstTag).setCoder(sceneCoder);
    exact.get(DUPLICATES).setCoder(dupCoder);

    // 2. perceptual hash
    TupleTag<Embedded<PerceivedScene>> hashed = new TupleTag<>("hashed");
    TupleTag<PerceivedScene> unsigned = new TupleTag<PerceivedScene>("unsigned") {};
    PCollectionTuple split =
        exact
            .get(firstTag)
            .apply(
                "PhashSignature",
                ParDo.of(new PhashSignatureFn(hashed, unsigned))
                    .withOutputTags(hashed, TupleTagList.of(unsigned)));
    split.get(hashed).setCoder(Embedded.EmbeddedCoder.of(sceneCoder));
    split.get(unsigned).setCoder(sceneCoder);
    TupleTag<PerceivedScene> nearKept = new TupleTag<PerceivedScene>("phash_kept") {};
    PCollectionTuple near =
        split
            .get(hashed)
            .apply(
                "NearPhash",
                DedupeEmbeddings.of("scene", config.phashDedupe(), sceneCoder, nearKept)
                    .withEmbedderId(METHOD_PHASH));
    PCollection<PerceivedScene> afterPhash =
        PCollectionList.of(near.get(nearKept).setCoder(sceneCoder))
            .and(split.get(unsigned))
            .apply("AfterPhash", Flatten.pCollections());

    // 3. CLIP image embedding, where present
    TupleTag<Embedded<PerceivedScene>> clipped = new TupleTag<>("clipped");
    TupleTag<PerceivedScene> noClip = new TupleTag<PerceivedScene>("no_clip") {};
    PCollectionTuple split2 =
        afterPhash.apply(
            "ClipSignature",
            ParDo.of(new ClipSignatureFn(clipped, noClip))
                .withOutputTags(clipped, TupleTagList.of(noClip)));
    split2.get(clipped).setCoder(Embedded.EmbeddedCoder.of(sceneCoder));
    split2.get(noClip).setCoder(sceneCoder);
    TupleTag<PerceivedScene> clipKept = new TupleTag<PerceivedScene>("clip_kept") {};
    PCollectionTuple nearClip =
        split2
            .get(clipped)
            .apply(
                "NearClip",
                DedupeEmbeddings.of("scene", config.clipDedupe(), sceneCoder, clipKept)
                    .withEmbedderId(METHOD_CLIP));
    PCollection<PerceivedScene> kept =
        PCollectionList.of(nearClip.get(clipKept).setCoder(sceneCoder))
            .and(split2.get(noClip))
            .apply("Kept", Flatten.pCollections());

    PCollection<DuplicateRecord> duplicates =
        PCollectionList.of(exact.get(DUPLICATES))
            .and(
                near.get(DUPLICATES)
                    .setCoder(dupCoder)
                    .apply("MethodPhash", ParDo.of(new MethodFn(METHOD_PHASH)))
                    .setCoder(dupCoder))
            .and(
                nearClip
                    .get(DUPLICATES)
                    .setCoder(dupCoder)
                    .apply("MethodClip", ParDo.of(new MethodFn(METHOD_CLIP)))
                    .setCoder(dupCoder))
            .apply("AllDuplicates", Flatten.pCollections())
            .apply("CountFiltered", ParDo.of(new CountFilteredFn()))
            .setCoder(dupCoder);
    return PCollectionTuple.of(KEPT, kept).and(DUPLICATES, duplicates);
  }

  /** The state key of the exact stage: the content hash, else (no hash) the scene id. */
  static String contentKey(PerceivedScene s) {
    return s.getContentHash() != null ? "sha256:" + s.getContentHash() : "id:" + s.getSceneId();
  }

  static final class KeyByContentFn extends DoFn<PerceivedScene, KV<String, PerceivedScene>> {
    @ProcessElement
    public void process(@Element PerceivedScene s, OutputReceiver<KV<String, PerceivedScene>> out) {
      out.output(KV.of(contentKey(s), s));
    }
  }

  /** The perceptual hash as a vector; scenes without one are kept unsigned (counted). */
  static final class PhashSignatureFn extends DoFn<PerceivedScene, Embedded<PerceivedScene>> {
    private final TupleTag<Embedded<PerceivedScene>> hashed;
    private final TupleTag<PerceivedScene> unsigned;
    private final Counter unsignedCount = Ledger.counter("scene_dedupe_unsigned");

    PhashSignatureFn(TupleTag<Embedded<PerceivedScene>> hashed, TupleTag<PerceivedScene> unsigned) {
      this.hashed = hashed;
      this.unsigned = unsigned;
    }

    @ProcessElement
    public void process(@Element PerceivedScene s, MultiOutputReceiver out) {
      if (s.getPhash() == null) {
        unsignedCount.inc();
        out.get(unsigned).output(s);
        return;
      }
      out.get(hashed).output(Embedded.of(s.getSceneId(), PerceptualHash.asVector(s.getPhash()), s));
    }
  }

  /** The CLIP image embedding, where the scene has one. */
  static final class ClipSignatureFn extends DoFn<PerceivedScene, Embedded<PerceivedScene>> {
    private final TupleTag<Embedded<PerceivedScene>> clipped;
    private final TupleTag<PerceivedScene> noClip;

    ClipSignatureFn(TupleTag<Embedded<PerceivedScene>> clipped, TupleTag<PerceivedScene> noClip) {
      this.clipped = clipped;
      this.noClip = noClip;
    }

    @ProcessElement
    public void process(@Element PerceivedScene s, MultiOutputReceiver out) {
      List<Float> e = s.getClipEmbedding();
      if (e == null || e.isEmpty()) {
        out.get(noClip).output(s);
        return;
      }
      float[] v = new float[e.size()];
      for (int i = 0; i < v.length; i++) {
        v[i] = e.get(i);
      }
      out.get(clipped).output(Embedded.of(s.getSceneId(), v, s));
    }
  }

  /** Names the method in each record (DedupeEmbeddings records the signature as the embedder). */
  static final class MethodFn extends DoFn<DuplicateRecord, DuplicateRecord> {
    private final String method;

    MethodFn(String method) {
      this.method = method;
    }

    @ProcessElement
    public void process(@Element DuplicateRecord d, OutputReceiver<DuplicateRecord> out) {
      DuplicateRecord.Builder b = DuplicateRecord.newBuilder(d);
      b.setMethod("repeated_id".equals(d.getReason()) ? "repeated_id" : method);
      out.output(b.build());
    }
  }

  /**
   * Each duplicate scene is one filtered input of the ledger. Event times of elements without one
   * (bounded inputs: the minimum timestamp) are recorded as null.
   */
  static final class CountFilteredFn extends DoFn<DuplicateRecord, DuplicateRecord> {
    private final Counter filtered = Ledger.filtered(REASON);

    @ProcessElement
    public void process(@Element DuplicateRecord d, OutputReceiver<DuplicateRecord> out) {
      filtered.inc();
      out.output(
          DuplicateRecord.newBuilder(d)
              .setEventTime(eventTime(d.getEventTime()))
              .setKeptEventTime(eventTime(d.getKeptEventTime()))
              .build());
    }

    private static Long eventTime(Long t) {
      return t == null || t <= BoundedWindow.TIMESTAMP_MIN_VALUE.getMillis() ? null : t;
    }
  }
}
