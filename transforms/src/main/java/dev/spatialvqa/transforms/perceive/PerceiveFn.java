package dev.spatialvqa.transforms.perceive;

import dev.spatialvqa.core.perceive.Perceiver;
import dev.spatialvqa.schemas.FetchedImage;
import dev.spatialvqa.schemas.PerceivedScene;
import dev.spatialvqa.transforms.errors.DeadLetters;
import dev.spatialvqa.transforms.errors.Ledger;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Distribution;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.TupleTag;

/**
 * Runs the {@link Perceiver} on one batch. The loaded models are shared per JVM through the model
 * pool; this instance's predictors are made in {@code @Setup} and closed in {@code @Teardown}.
 * Emits perceived scenes (or, filter-only, the kept images), counts {@code filtered.<reason>},
 * dead-letters {@code undecodable_image} / {@code model_error} (stage {@code perception}).
 */
final class PerceiveFn<T> extends DoFn<KV<Integer, Iterable<FetchedImage>>, T> {
  static final String STAGE = "perception";

  private final Perceiver.Settings settings;
  private final TupleTag<T> mainTag;
  private final boolean filterOnly;
  private final Counter images = Ledger.counter("perception.images");
  private final Counter batches = Ledger.counter("perception.batches");
  private final Distribution batchSize =
      org.apache.beam.sdk.metrics.Metrics.distribution(Ledger.NAMESPACE, "perception.batch_size");
  private transient Perceiver perceiver;

  PerceiveFn(Perceiver.Settings settings, TupleTag<T> mainTag, boolean filterOnly) {
    this.settings = settings;
    this.mainTag = mainTag;
    this.filterOnly = filterOnly;
  }

  @Setup
  public void setup() {
    perceiver = Perceiver.open(settings, List.of(new BeamFileSystemsFetcher()));
  }

  @ProcessElement
  @SuppressWarnings("unchecked")
  public void process(@Element KV<Integer, Iterable<FetchedImage>> batch, MultiOutputReceiver out) {
    List<FetchedImage> list = new ArrayList<>();
    batch.getValue().forEach(list::add);
    batches.inc();
    batchSize.update(list.size());
    images.inc(list.size());
    for (Perceiver.Outcome o : perceiver.process(list)) {
      FetchedImage f = o.image();
      if (o instanceof Perceiver.Perceived p) {
        out.get((TupleTag<PerceivedScene>) mainTag).output(p.scene());
      } else if (o instanceof Perceiver.Kept) {
        if (filterOnly) {
          out.get((TupleTag<FetchedImage>) mainTag).output(f);
        } else {
          throw new IllegalStateException("perception produced no scene for a kept image");
        }
      } else if (o instanceof Perceiver.Filtered fl) {
        Ledger.filtered(fl.reason()).inc();
      } else if (o instanceof Perceiver.Failed fail) {
        out.get(DeadLetters.TAG)
            .output(
                DeadLetters.of(
                    STAGE,
                    fail.reason(),
                    fail.message(),
                    DeadLetters.ref(f.getUrl(), f.getContentHash(), f.getSceneId(), null),
                    f.getEventTime()));
      }
    }
    perceiver.drainCounts().forEach((name, n) -> Ledger.counter(name).inc(n));
  }

  @Teardown
  public void teardown() {
    if (perceiver != null) {
      perceiver.close();
      perceiver = null;
    }
  }
}
