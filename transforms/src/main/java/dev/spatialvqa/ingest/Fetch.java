package dev.spatialvqa.ingest;

import dev.spatialvqa.errors.DeadLetters;
import dev.spatialvqa.errors.Ledger;
import dev.spatialvqa.fetch.CrawlRecord;
import dev.spatialvqa.fetch.FetchConfig;
import dev.spatialvqa.fetch.FetchException;
import dev.spatialvqa.fetch.ImageFetcher;
import dev.spatialvqa.schemas.FetchedImage;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Distribution;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;
import org.joda.time.Duration;
import org.joda.time.Instant;

/**
 * Fetches each crawl record's image with {@link ImageFetcher} (SSRF guard, caps, timeouts,
 * retries, magic bytes, pixel cap, decode) and drops exact duplicates by content hash ({@link
 * DropDuplicateImages}, counted as {@code filtered.duplicate_image}).
 *
 * <p>Bounded or unbounded; keeps timestamps. One fetcher (HTTP client, per-host limits) is shared
 * per JVM per configuration; each DoFn thread fetches one record at a time, so parallelism is the
 * runner's (threads per worker, Flink parallelism). Outputs: {@link #IMAGES} and {@link
 * DeadLetters#TAG} (stage {@code fetch}, reason codes of {@link FetchException}). Interruption
 * throws (the runner retries); every other failure is a dead letter, so an input ends as an image,
 * a counted duplicate or a dead letter. Metrics: {@code fetch.bytes} (distribution), {@code
 * fetch.ok}.
 */
public final class Fetch extends PTransform<PCollection<CrawlRecord>, PCollectionTuple> {
  public static final String STAGE = "fetch";
  public static final TupleTag<FetchedImage> IMAGES = new TupleTag<FetchedImage>("fetched_images") {};

  private final FetchConfig config;
  private final Duration dedupeWindow;

  private Fetch(FetchConfig config, Duration dedupeWindow) {
    this.config = config;
    this.dedupeWindow = dedupeWindow;
  }

  public static Fetch with(FetchConfig config) {
    return new Fetch(config, Duration.standardMinutes(1));
  }

  /** Duplicates are dropped within this much event time (bounded input: the whole run). */
  public Fetch withDedupeWindow(Duration d) {
    if (d == null || d.getMillis() <= 0) {
      throw new IllegalArgumentException("dedupeWindow must be > 0, got " + d);
    }
    return new Fetch(config, d);
  }

  /** No deduplication here (the caller dedupes after merging other image sources). */
  public Fetch withoutDedupe() {
    return new Fetch(config, null);
  }

  @Override
  public PCollectionTuple expand(PCollection<CrawlRecord> records) {
    PCollectionTuple fetched =
        records.apply(
            "FetchImages",
            ParDo.of(new FetchFn(config)).withOutputTags(IMAGES, TupleTagList.of(DeadLetters.TAG)));
    if (dedupeWindow == null) {
      return fetched;
    }
    PCollection<FetchedImage> unique =
        fetched.get(IMAGES).apply("DropDuplicateImages", DropDuplicateImages.within(dedupeWindow));
    return PCollectionTuple.of(IMAGES, unique).and(DeadLetters.TAG, fetched.get(DeadLetters.TAG));
  }

  static final class FetchFn extends DoFn<CrawlRecord, FetchedImage> {
    private static final ConcurrentHashMap<FetchConfig, ImageFetcher> FETCHERS = new ConcurrentHashMap<>();

    private final FetchConfig config;
    private transient ImageFetcher fetcher;
    private final Counter ok = Ledger.counter("fetch.ok");
    private final Distribution bytes = org.apache.beam.sdk.metrics.Metrics.distribution(Ledger.NAMESPACE, "fetch.bytes");

    FetchFn(FetchConfig config) {
      this.config = config;
    }

    @Setup
    public void setup() {
      fetcher = FETCHERS.computeIfAbsent(config, ImageFetcher::new);
    }

    @ProcessElement
    public void process(@Element CrawlRecord r, @Timestamp Instant ts, MultiOutputReceiver out)
        throws InterruptedException {
      try {
        FetchedImage img = fetcher.fetchImage(r);
        ok.inc();
        bytes.update(img.getBytes().remaining());
        out.get(IMAGES).output(img);
      } catch (FetchException e) {
        Long eventTime = r.crawlTimeMillis() != null ? r.crawlTimeMillis() : DeadLetters.eventTime(ts);
        out.get(DeadLetters.TAG)
            .output(DeadLetters.of(STAGE, e.reason(), e.getMessage(), DeadLetters.ref(r.url(), null, null, null), eventTime));
      }
    }
  }
}
