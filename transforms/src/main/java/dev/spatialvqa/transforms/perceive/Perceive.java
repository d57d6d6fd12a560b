package dev.spatialvqa.transforms.perceive;

import dev.spatialvqa.core.lift.IntrinsicsEstimator;
import dev.spatialvqa.core.models.ModelConfig;
import dev.spatialvqa.core.models.ModelPool;
import dev.spatialvqa.core.perceive.Batching;
import dev.spatialvqa.core.perceive.Perceiver;
import dev.spatialvqa.schemas.DeadLetter;
import dev.spatialvqa.schemas.FetchedImage;
import dev.spatialvqa.schemas.PerceivedScene;
import dev.spatialvqa.transforms.errors.DeadLetters;
import org.apache.beam.sdk.extensions.avro.coders.AvroCoder;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;

/**
 * Fetched images to perceived scenes: CLIP scene filter (on by default), metric depth, region
 * proposals, box-prompted masks (when a SAM pair is configured), intrinsics (given, EXIF, model or
 * default field of view). Steps: {@code BatchImages} (content-hash shards, GroupIntoBatches: the
 * only shuffle, carrying encoded bytes) then {@code PerceiveBatches} (one DoFn running every model
 * on the batch, so pixels and depth never cross a shuffle).
 *
 * <p>Bounded or unbounded, any windowing (batches form per key and window; {@code maxBuffering}
 * flushes partial batches in streaming). Outputs {@link #SCENES} and {@link DeadLetters#TAG} (stage
 * {@code perception}: {@code undecodable_image}, {@code model_error} for an image that fails even
 * when retried alone). Counters: {@code filtered.not_a_scene}, {@code perception.images}, {@code
 * perception.batches}, distribution {@code perception.batch_size}, and with Florence-2 regions
 * {@code regions.florence2.*} (see {@code Florence2Captioner}). A model that is missing, fails its
 * sha256 or its contract fails the DoFn's setup (start-up).
 */
public final class Perceive extends PTransform<PCollection<FetchedImage>, PCollectionTuple> {
  public static final TupleTag<PerceivedScene> SCENES =
      new TupleTag<PerceivedScene>("perceived") {};

  private final Perceiver.Settings settings;
  private final Batching batching;

  private Perceive(Perceiver.Settings settings, Batching batching) {
    this.settings = settings;
    this.batching = batching;
  }

  /**
   * Perception with the given models, CPU pool defaults, scene filter on, 60 degree default HFOV.
   */
  public static Perceive with(ModelConfig models) {
    return new Perceive(
        new Perceiver.Settings(
            models, ModelPool.Settings.cpu(), true, true, IntrinsicsEstimator.DEFAULT_FOV_DEG),
        Batching.defaults());
  }

  public Perceive withPool(ModelPool.Settings pool) {
    return new Perceive(
        new Perceiver.Settings(
            settings.models(), pool, settings.sceneFilter(), true, settings.defaultHfovDeg()),
        batching);
  }

  public Perceive withSceneFilter(boolean on) {
    return new Perceive(
        new Perceiver.Settings(
            settings.models(), settings.pool(), on, true, settings.defaultHfovDeg()),
        batching);
  }

  public Perceive withDefaultHfovDeg(double deg) {
    return new Perceive(
        new Perceiver.Settings(
            settings.models(), settings.pool(), settings.sceneFilter(), true, deg),
        batching);
  }

  public Perceive withBatching(Batching b) {
    return new Perceive(settings, b);
  }

  @Override
  public PCollectionTuple expand(PCollection<FetchedImage> images) {
    PCollectionTuple out =
        images
            .apply("BatchImages", new BatchImages(batching))
            .apply(
                "PerceiveBatches",
                ParDo.of(new PerceiveFn<>(settings, SCENES, false))
                    .withOutputTags(SCENES, TupleTagList.of(DeadLetters.TAG)));
    out.get(SCENES).setCoder(AvroCoder.specific(PerceivedScene.class));
    out.get(DeadLetters.TAG).setCoder(AvroCoder.specific(DeadLetter.class));
    return out;
  }
}
