package dev.spatialvqa.transforms.ingest;

import dev.spatialvqa.core.ingest.CrawlRecord;
import dev.spatialvqa.core.ingest.FetchConfig;
import dev.spatialvqa.core.ingest.FetchException;
import dev.spatialvqa.core.ingest.ImageFetcher;
import dev.spatialvqa.schemas.FetchedImage;
import dev.spatialvqa.transforms.errors.DeadLetters;
import dev.spatialvqa.transforms.errors.Ledger;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.SerializableCoder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Distribution;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.GroupIntoBatches;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Reify;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TimestampedValue;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;
import org.joda.time.Duration;
import org.joda.time.Instant;

/**
 * Fetches each crawl record's image with {@link ImageFetcher} (SSRF guard, caps, timeouts, retries,
 * magic bytes, pixel cap, decode) and drops exact duplicates by content hash ({@link
 * DropDuplicateImages}, counted as {@code filtered.duplicate_image}).
 *
 * <p>Concurrency: fetching the open web is latency-bound, so records are keyed by host hash (into
 * {@value #KEYS} keys) and grouped with {@link GroupIntoBatches} (up to {@code concurrency} per
 * batch, flushed after at most one second); a batch's records are fetched concurrently on the
 * DoFn's thread pool and emitted with their own timestamps (never earlier than the batch's). One
 * fetcher (HTTP client, per-host limits) is shared per JVM per configuration; Beam metrics are
 * updated on the DoFn's thread only.
 *
 * <p>Bounded or unbounded; the batching step is keyed state per window. Outputs: {@link #IMAGES}
 * and {@link DeadLetters#TAG} (stage {@code fetch}, reason codes of {@link FetchException}).
 * Interruption throws (the runner retries); every other failure is a dead letter, so an input ends
 * as an image, a counted duplicate or a dead letter. Metrics: {@code fetch.ok}, {@code fetch.bytes}
 * (distribution).
 */
public final class Fetch extends PTransform<PCollection<CrawlRecord>, PCollectionTuple> {
  public static final String STAGE = "fetch";
  public static final TupleTag<FetchedImage> IMAGES =
      new TupleTag<FetchedImage>("fetched_images") {};
  static final int KEYS = 32;

  private final FetchConfig config;
  private final Duration dedupeWindow;
  private final int concurrency;

  private Fetch(FetchConfig config, Duration dedupeWindow, int concurrency) {
    this.config = config;
    this.dedupeWindow = dedupeWindow;
    this.concurrency = concurrency;
  }

  public static Fetch with(FetchConfig config) {
    return new Fetch(config, Duration.standardMinutes(1), 16);
  }

  /** Duplicates are dropped within this window (bounded input: the whole run). */
  public Fetch withDedupeWindow(Duration d) {
    if (d == null || d.getMillis() <= 0) {
      throw new IllegalArgumentException("dedupeWindow must be > 0, got " + d);
    }
    return new Fetch(config, d, concurrency);
  }

  /** No deduplication here (the caller dedupes after merging other image sources). */
  public Fetch withoutDedupe() {
    return new Fetch(config, null, concurrency);
  }

  /** Requests in flight per DoFn instance (batch size), 1..256. */
  public Fetch withConcurrency(int n) {
    if (n < 1 || n > 256) {
      throw new IllegalArgumentException("fetch concurrency must be in 1..256, got " + n);
    }
    return new Fetch(config, dedupeWindow, n);
  }

  @Override
  public PCollectionTuple expand(PCollection<CrawlRecord> records) {
    Coder<TimestampedValue<CrawlRecord>> tvCoder =
        TimestampedValue.TimestampedValueCoder.of(SerializableCoder.of(CrawlRecord.class));
    PCollection<KV<Integer, TimestampedValue<CrawlRecord>>> keyed =
        records
            .apply("ReifyTimestamps", Reify.timestamps())
            .setCoder(tvCoder)
            .apply("KeyByHost", ParDo.of(new KeyByHostFn()))
            .setCoder(KvCoder.of(VarIntCoder.of(), tvCoder));
    PCollectionTuple fetched =
        keyed
            .apply(
                "Batch",
                GroupIntoBatches.<Integer, TimestampedValue<CrawlRecord>>ofSize(concurrency)
                    .withMaxBufferingDuration(Duration.standardSeconds(1)))
            .apply(
                "FetchImages",
                ParDo.of(new FetchBatchFn(config, concurrency))
                    .withOutputTags(IMAGES, TupleTagList.of(DeadLetters.TAG)));
    if (dedupeWindow == null) {
      return fetched;
    }
    PCollection<FetchedImage> unique =
        fetched.get(IMAGES).apply("DropDuplicateImages", DropDuplicateImages.within(dedupeWindow));
    return PCollectionTuple.of(IMAGES, unique).and(DeadLetters.TAG, fetched.get(DeadLetters.TAG));
  }

  static final class KeyByHostFn
      extends DoFn<TimestampedValue<CrawlRecord>, KV<Integer, TimestampedValue<CrawlRecord>>> {
    @ProcessElement
    public void process(
        @Element TimestampedValue<CrawlRecord> r,
        OutputReceiver<KV<Integer, TimestampedValue<CrawlRecord>>> out) {
      String host;
      try {
        host = java.net.URI.create(r.getValue().url()).getHost();
      } catch (IllegalArgumentException e) {
        host = null;
      }
      int h =
          host == null
              ? r.getValue().url().hashCode()
              : host.toLowerCase(java.util.Locale.ROOT).hashCode();
      out.output(KV.of(Math.floorMod(h, KEYS), r));
    }
  }

  static final class FetchBatchFn
      extends DoFn<KV<Integer, Iterable<TimestampedValue<CrawlRecord>>>, FetchedImage> {
    private static final ConcurrentHashMap<FetchConfig, ImageFetcher> FETCHERS =
        new ConcurrentHashMap<>();

    private final FetchConfig config;
    private final int concurrency;
    private transient ImageFetcher fetcher;
    private transient ExecutorService pool;
    private final Counter ok = Ledger.counter("fetch.ok");
    private final Distribution bytes = Metrics.distribution(Ledger.NAMESPACE, "fetch.bytes");

    FetchBatchFn(FetchConfig config, int concurrency) {
      this.config = config;
      this.concurrency = concurrency;
    }

    @Setup
    public void setup() {
      fetcher = FETCHERS.computeIfAbsent(config, ImageFetcher::new);
      pool =
          Executors.newFixedThreadPool(
              concurrency,
              r -> {
                Thread t = new Thread(r, "spatialvqa-fetch");
                t.setDaemon(true);
                return t;
              });
    }

    @Teardown
    public void teardown() {
      if (pool != null) {
        pool.shutdownNow();
      }
    }

    @ProcessElement
    public void process(
        @Element KV<Integer, Iterable<TimestampedValue<CrawlRecord>>> batch,
        @Timestamp Instant batchTs,
        MultiOutputReceiver out)
        throws InterruptedException {
      List<TimestampedValue<CrawlRecord>> items = new ArrayList<>();
      batch.getValue().forEach(items::add);
      List<Future<Object>> results = new ArrayList<>();
      for (TimestampedValue<CrawlRecord> tv : items) {
        CrawlRecord r = tv.getValue();
        results.add(
            pool.submit(
                () -> {
                  try {
                    return fetcher.fetchImage(r);
                  } catch (FetchException e) {
                    return e;
                  }
                }));
      }
      for (int i = 0; i < items.size(); i++) {
        TimestampedValue<CrawlRecord> tv = items.get(i);
        Instant ts = tv.getTimestamp().isBefore(batchTs) ? batchTs : tv.getTimestamp();
        Object res;
        try {
          res = results.get(i).get();
        } catch (ExecutionException e) {
          throw new IllegalStateException(
              "fetch of " + tv.getValue().url() + " failed unexpectedly", e.getCause());
        }
        if (res instanceof FetchedImage) {
          FetchedImage img = (FetchedImage) res;
          ok.inc();
          bytes.update(img.getBytes().remaining());
          out.get(IMAGES).outputWithTimestamp(img, ts);
        } else {
          FetchException e = (FetchException) res;
          CrawlRecord r = tv.getValue();
          Long eventTime =
              r.crawlTimeMillis() != null
                  ? r.crawlTimeMillis()
                  : DeadLetters.eventTime(tv.getTimestamp());
          out.get(DeadLetters.TAG)
              .outputWithTimestamp(
                  DeadLetters.of(
                      STAGE,
                      e.reason(),
                      e.getMessage(),
                      DeadLetters.ref(r.url(), null, null, null),
                      eventTime),
                  ts);
        }
      }
    }
  }
}
