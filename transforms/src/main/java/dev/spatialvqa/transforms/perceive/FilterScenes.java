package dev.spatialvqa.transforms.perceive;

import dev.spatialvqa.core.lift.IntrinsicsEstimator;
import dev.spatialvqa.core.models.ModelConfig;
import dev.spatialvqa.core.models.ModelPool;
import dev.spatialvqa.core.perceive.Batching;
import dev.spatialvqa.core.perceive.Perceiver;
import dev.spatialvqa.schemas.DeadLetter;
import dev.spatialvqa.schemas.FetchedImage;
import dev.spatialvqa.transforms.errors.DeadLetters;
import org.apache.beam.sdk.extensions.avro.coders.AvroCoder;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;

/**
 * CLIP zero-shot scene filter alone: keeps images whose include prompts' softmax mass reaches the
 * threshold ({@link #KEPT}), counts the rest as {@code filtered.not_a_scene}, dead-letters
 * undecodable images. Steps {@code BatchImages} then {@code FilterBatches}. For a full run use
 * {@link Perceive} (which filters first inside the same batch): chaining FilterScenes into Perceive
 * would shuffle the encoded images twice.
 */
public final class FilterScenes extends PTransform<PCollection<FetchedImage>, PCollectionTuple> {
  public static final TupleTag<FetchedImage> KEPT = new TupleTag<FetchedImage>("scenes_kept") {};

  private final Perceiver.Settings settings;
  private final Batching batching;

  private FilterScenes(Perceiver.Settings settings, Batching batching) {
    this.settings = settings;
    this.batching = batching;
  }

  public static FilterScenes with(ModelConfig models) {
    return new FilterScenes(
        new Perceiver.Settings(
            models, ModelPool.Settings.cpu(), true, false, IntrinsicsEstimator.DEFAULT_FOV_DEG),
        Batching.defaults());
  }

  public FilterScenes withPool(ModelPool.Settings pool) {
    return new FilterScenes(
        new Perceiver.Settings(
            settings.models(), pool, true, false, IntrinsicsEstimator.DEFAULT_FOV_DEG),
        batching);
  }

  public FilterScenes withBatching(Batching b) {
    return new FilterScenes(settings, b);
  }

  @Override
  public PCollectionTuple expand(PCollection<FetchedImage> images) {
    PCollectionTuple out =
        images
            .apply("BatchImages", new BatchImages(batching))
            .apply(
                "FilterBatches",
                ParDo.of(new PerceiveFn<>(settings, KEPT, true))
                    .withOutputTags(KEPT, TupleTagList.of(DeadLetters.TAG)));
    out.get(KEPT).setCoder(AvroCoder.specific(FetchedImage.class));
    out.get(DeadLetters.TAG).setCoder(AvroCoder.specific(DeadLetter.class));
    return out;
  }
}
