package dev.spatialvqa.transforms.ingest;

import dev.spatialvqa.schemas.FetchedImage;
import dev.spatialvqa.transforms.errors.Ledger;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.state.TimeDomain;
import org.apache.beam.sdk.transforms.Deduplicate;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Values;
import org.apache.beam.sdk.transforms.WithKeys;
import org.apache.beam.sdk.transforms.windowing.GlobalWindows;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.joda.time.Duration;

/**
 * Drops exact duplicate images (same sha256 content hash) with Beam's {@link Deduplicate}, keyed by
 * the hash: the first image of a hash passes, later ones are dropped while its entry lives.
 *
 * <ul>
 *   <li>Unbounded input: processing time; an entry lives {@code duration} after the first image was
 *       seen. (Event time would collapse the window for records older than the watermark, e.g. a
 *       Kafka backlog written before the job started: their expiry timer is already due.)
 *   <li>Bounded input: event time; the watermark only advances at the end, so duplicates are
 *       dropped across the whole run.
 * </ul>
 *
 * <p>Runs in the global window, so a stateful step never discards late data silently (the input is
 * re-windowed into the global window; sinks window afterwards). Deduplicate's state is one boolean
 * per hash, cleared by a timer that does not hold the watermark.
 *
 * <p>Counting: Deduplicate drops without a trace, but the ledger must count each drop. Every image
 * entering adds one to {@code filtered.duplicate_image} and every image leaving subtracts one, so
 * the counter is exactly the number dropped once elements are through (while a stream runs it also
 * includes the few images between the two steps).
 */
public final class DropDuplicateImages
    extends PTransform<PCollection<FetchedImage>, PCollection<FetchedImage>> {
  public static final String REASON = "duplicate_image";

  private final Duration duration;

  private DropDuplicateImages(Duration duration) {
    this.duration = duration;
  }

  public static DropDuplicateImages within(Duration d) {
    if (d == null || d.getMillis() <= 0) {
      throw new IllegalArgumentException("dedupe duration must be > 0, got " + d);
    }
    return new DropDuplicateImages(d);
  }

  @Override
  public PCollection<FetchedImage> expand(PCollection<FetchedImage> images) {
    PCollection<KV<String, FetchedImage>> keyed =
        images
            .apply("GlobalWindow", Window.<FetchedImage>into(new GlobalWindows()))
            .apply("CountIn", ParDo.of(new AdjustFn(+1)))
            .setCoder(images.getCoder())
            .apply(
                "KeyByHash",
                WithKeys.of((FetchedImage i) -> i.getContentHash())
                    .withKeyType(TypeDescriptors.strings()));
    return keyed
        .apply(
            "Deduplicate",
            Deduplicate.<String, FetchedImage>keyedValues()
                .withTimeDomain(
                    images.isBounded() == PCollection.IsBounded.BOUNDED
                        ? TimeDomain.EVENT_TIME
                        : TimeDomain.PROCESSING_TIME)
                .withDuration(duration))
        .apply("Values", Values.create())
        .apply("CountOut", ParDo.of(new AdjustFn(-1)))
        .setCoder(images.getCoder());
  }

  static final class AdjustFn extends DoFn<FetchedImage, FetchedImage> {
    private final int delta;
    private final Counter dropped = Ledger.filtered(REASON);

    AdjustFn(int delta) {
      this.delta = delta;
    }

    @ProcessElement
    public void process(@Element FetchedImage i, OutputReceiver<FetchedImage> out) {
      dropped.inc(delta);
      out.output(i);
    }
  }
}
