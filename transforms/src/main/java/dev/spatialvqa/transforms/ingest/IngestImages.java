package dev.spatialvqa.transforms.ingest;

import dev.spatialvqa.core.ingest.CrawlRecord;
import dev.spatialvqa.core.ingest.FetchConfig;
import dev.spatialvqa.core.ingest.SourceLine;
import dev.spatialvqa.schemas.DeadLetter;
import dev.spatialvqa.schemas.FetchedImage;
import dev.spatialvqa.transforms.errors.DeadLetters;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.joda.time.Duration;

/**
 * The image entry of the engine: reads crawl input named {@code KIND:VALUE} ({@code urls:FILE},
 * {@code watch:GLOB}, {@code kafka:BOOTSTRAP/TOPIC}, {@code pubsub:SUBSCRIPTION}), fetches the
 * images ({@link Fetch}), merges in the images of tar shards found by {@code watch:}, and drops
 * exact duplicates ({@link DropDuplicateImages}).
 *
 * <pre>
 *   source -> ParseCrawlRecords -> Fetch ----------------.
 *   watch: tar shards (images already downloaded) -------+-> DropDuplicateImages -> IMAGES
 *   every step's rejects -> DeadLetters.TAG
 * </pre>
 *
 * <p>Bounded for {@code urls:}, unbounded otherwise. Every input is counted once at its source
 * ({@code inputs}) and ends as an image, {@code filtered.duplicate_image} or a dead letter; the
 * caller counts {@link #IMAGES} as its last stage.
 */
public final class IngestImages extends PTransform<PBegin, PCollectionTuple> {
  public static final TupleTag<FetchedImage> IMAGES = new TupleTag<FetchedImage>("images") {};
  public static final List<String> KINDS = List.of("urls", "watch", "kafka", "pubsub");

  private final String kind;
  private final String value;
  private final FetchConfig fetch;
  private final Duration dedupeWindow;
  private final Duration pollInterval;
  private final Duration stopAfterIdle;
  private final Long kafkaMaxRecords;
  private final int concurrency;
  private final String kafkaGroupId;

  private IngestImages(
      String kind,
      String value,
      FetchConfig fetch,
      Duration dedupeWindow,
      Duration pollInterval,
      Duration stopAfterIdle,
      Long kafkaMaxRecords,
      int concurrency,
      String kafkaGroupId) {
    this.concurrency = concurrency;
    this.kafkaGroupId = kafkaGroupId;
    this.kind = kind;
    this.value = value;
    this.fetch = fetch;
    this.dedupeWindow = dedupeWindow;
    this.pollInterval = pollInterval;
    this.stopAfterIdle = stopAfterIdle;
    this.kafkaMaxRecords = kafkaMaxRecords;
  }

  /** For {@code KIND:VALUE} with KIND one of {@link #KINDS}; the value is validated here. */
  public static IngestImages from(String kind, String value) {
    if (!KINDS.contains(kind)) {
      throw new IllegalArgumentException(
          "image input kind must be one of " + KINDS + ", got '" + kind + "'");
    }
    IngestImages i =
        new IngestImages(
            kind,
            value,
            FetchConfig.defaults(),
            Duration.standardMinutes(1),
            Duration.standardSeconds(10),
            null,
            null,
            16,
            null);
    i.source(); // validate the value (throws IllegalArgumentException naming the expected form)
    return i;
  }

  public IngestImages withFetchConfig(FetchConfig c) {
    return new IngestImages(
        kind,
        value,
        c,
        dedupeWindow,
        pollInterval,
        stopAfterIdle,
        kafkaMaxRecords,
        concurrency,
        kafkaGroupId);
  }

  public IngestImages withDedupeWindow(Duration d) {
    DropDuplicateImages.within(d);
    return new IngestImages(
        kind,
        value,
        fetch,
        d,
        pollInterval,
        stopAfterIdle,
        kafkaMaxRecords,
        concurrency,
        kafkaGroupId);
  }

  /** How often {@code watch:} lists the glob. */
  public IngestImages withPollInterval(Duration d) {
    return new IngestImages(
        kind,
        value,
        fetch,
        dedupeWindow,
        d,
        stopAfterIdle,
        kafkaMaxRecords,
        concurrency,
        kafkaGroupId);
  }

  /** {@code watch:} stops after this long without new files (tests; default never). */
  public IngestImages withStopAfterIdle(Duration d) {
    return new IngestImages(
        kind,
        value,
        fetch,
        dedupeWindow,
        pollInterval,
        d,
        kafkaMaxRecords,
        concurrency,
        kafkaGroupId);
  }

  /** {@code kafka:} stops after n records (tests; default never). */
  public IngestImages withKafkaMaxRecords(long n) {
    return new IngestImages(
        kind,
        value,
        fetch,
        dedupeWindow,
        pollInterval,
        stopAfterIdle,
        n,
        concurrency,
        kafkaGroupId);
  }

  /** Requests in flight per fetch DoFn instance (1..256, default 16). */
  public IngestImages withFetchConcurrency(int n) {
    Fetch.with(fetch).withConcurrency(n);
    return new IngestImages(
        kind,
        value,
        fetch,
        dedupeWindow,
        pollInterval,
        stopAfterIdle,
        kafkaMaxRecords,
        n,
        kafkaGroupId);
  }

  /**
   * {@code kafka:} reads as this consumer group and commits its offsets to Kafka when a checkpoint
   * completes (Flink: only offsets whose records are in a completed checkpoint), so the group's lag
   * shows what the job has durably consumed. Restores still start from the checkpoint's offsets.
   */
  public IngestImages withKafkaGroupId(String group) {
    if (group != null && group.isBlank()) {
      throw new IllegalArgumentException("kafka group id must not be blank");
    }
    return new IngestImages(
        kind,
        value,
        fetch,
        dedupeWindow,
        pollInterval,
        stopAfterIdle,
        kafkaMaxRecords,
        concurrency,
        group);
  }

  private PTransform<PBegin, ?> source() {
    switch (kind) {
      case "urls":
        return ReadCrawlLines.from(value);
      case "watch":
        WatchCrawlShards w =
            WatchCrawlShards.of(value)
                .withPollInterval(pollInterval)
                .withCaps(fetch.maxPixels(), fetch.maxBytes());
        return stopAfterIdle == null ? w : w.withStopAfterIdle(stopAfterIdle);
      case "kafka":
        ReadKafkaCrawlRecords k = ReadKafkaCrawlRecords.from(value).withMaxDelay(dedupeWindow);
        if (kafkaGroupId != null) {
          k = k.withCommittedGroup(kafkaGroupId);
        }
        return kafkaMaxRecords == null ? k : k.withMaxNumRecords(kafkaMaxRecords);
      default:
        return ReadPubsubCrawlRecords.from(value);
    }
  }

  @Override
  @SuppressWarnings("unchecked")
  public PCollectionTuple expand(PBegin begin) {
    List<PCollection<DeadLetter>> dead = new ArrayList<>();
    List<PCollection<FetchedImage>> images = new ArrayList<>();
    PCollection<SourceLine> lines;
    if (kind.equals("watch")) {
      PCollectionTuple watched = begin.apply("WatchShards", (WatchCrawlShards) source());
      lines = watched.get(WatchCrawlShards.LINES);
      images.add(watched.get(WatchCrawlShards.IMAGES));
      dead.add(watched.get(DeadLetters.TAG));
    } else {
      lines =
          begin.apply(
              "Read" + Character.toUpperCase(kind.charAt(0)) + kind.substring(1),
              (PTransform<PBegin, PCollection<SourceLine>>) source());
    }
    PCollectionTuple parsed = lines.apply("ParseCrawlRecords", ParseCrawlRecords.create());
    dead.add(parsed.get(DeadLetters.TAG));
    PCollection<CrawlRecord> records = parsed.get(ParseCrawlRecords.RECORDS);
    PCollectionTuple fetched =
        records.apply("Fetch", Fetch.with(fetch).withConcurrency(concurrency).withoutDedupe());
    images.add(fetched.get(Fetch.IMAGES));
    dead.add(fetched.get(DeadLetters.TAG));
    PCollection<FetchedImage> unique =
        PCollectionList.of(images)
            .apply("AllImages", Flatten.pCollections())
            .apply("DropDuplicateImages", DropDuplicateImages.within(dedupeWindow));
    PCollection<DeadLetter> allDead =
        PCollectionList.of(dead).apply("AllIngestDeadLetters", Flatten.pCollections());
    return PCollectionTuple.of(IMAGES, unique).and(DeadLetters.TAG, allDead);
  }
}
