package dev.spatialvqa.transforms.ingest;

import dev.spatialvqa.core.ingest.ImageProbe;
import dev.spatialvqa.core.ingest.SourceLine;
import dev.spatialvqa.core.ingest.TarShards;
import dev.spatialvqa.schemas.FetchedImage;
import dev.spatialvqa.transforms.errors.DeadLetters;
import dev.spatialvqa.transforms.errors.Ledger;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import org.apache.beam.sdk.coders.SerializableCoder;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Watch;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;
import org.joda.time.Duration;
import org.joda.time.Instant;

/**
 * {@code watch:GLOB}: continuously matches new files in a folder or bucket ({@code gs://} with the
 * GCP filesystem on the classpath) with {@code FileIO.match().continuously()}. Unbounded; each file
 * is read once, when first seen. JSON Lines files ({@code .jsonl}, {@code .ndjson}, {@code .txt},
 * optionally {@code .gz}) become {@link #LINES} (parsed later, where they are counted); other files
 * (img2dataset's parquet and stats beside its shards) are skipped and counted as {@code
 * watch.skipped_files} (not inputs); {@code .tar} shards (WebDataset / img2dataset: image + json
 * pairs, images already downloaded) become {@link #IMAGES} directly, each sample counted as one
 * input here, rejected samples as dead letters at stage {@code read_shard}. An unreadable file
 * throws (the runner retries): it is a storage failure, not a bad input.
 */
public final class WatchCrawlShards extends PTransform<PBegin, PCollectionTuple> {
  public static final String STAGE = "read_shard";
  public static final TupleTag<SourceLine> LINES = new TupleTag<SourceLine>("lines") {};
  public static final TupleTag<FetchedImage> IMAGES = new TupleTag<FetchedImage>("shard_images") {};

  private final String glob;
  private final Duration pollInterval;
  private final Duration stopAfterIdle;
  private final long maxPixels;
  private final long maxBytes;

  private WatchCrawlShards(
      String glob, Duration poll, Duration stopAfterIdle, long maxPixels, long maxBytes) {
    this.glob = glob;
    this.pollInterval = poll;
    this.stopAfterIdle = stopAfterIdle;
    this.maxPixels = maxPixels;
    this.maxBytes = maxBytes;
  }

  public static WatchCrawlShards of(String glob) {
    if (glob == null || glob.isBlank()) {
      throw new IllegalArgumentException("watch: needs a glob, e.g. --input=watch:/crawl/in/*");
    }
    return new WatchCrawlShards(glob, Duration.standardSeconds(10), null, 40_000_000L, 20L << 20);
  }

  public WatchCrawlShards withPollInterval(Duration d) {
    if (d == null || d.getMillis() <= 0) {
      throw new IllegalArgumentException("pollInterval must be > 0, got " + d);
    }
    return new WatchCrawlShards(glob, d, stopAfterIdle, maxPixels, maxBytes);
  }

  /** Stops watching after this long without a new file (default: never). */
  public WatchCrawlShards withStopAfterIdle(Duration d) {
    return new WatchCrawlShards(glob, pollInterval, d, maxPixels, maxBytes);
  }

  public WatchCrawlShards withCaps(long maxPixels, long maxBytes) {
    new ImageProbe(maxPixels);
    if (maxBytes <= 0) {
      throw new IllegalArgumentException("maxBytes must be > 0, got " + maxBytes);
    }
    return new WatchCrawlShards(glob, pollInterval, stopAfterIdle, maxPixels, maxBytes);
  }

  @Override
  public PCollectionTuple expand(PBegin input) {
    Watch.Growth.TerminationCondition<String, ?> stop =
        stopAfterIdle == null
            ? Watch.Growth.never()
            : Watch.Growth.afterTimeSinceNewOutput(stopAfterIdle);
    PCollectionTuple out =
        input
            .apply(
                "MatchContinuously",
                FileIO.match().filepattern(glob).continuously(pollInterval, stop))
            .apply("OpenFiles", FileIO.readMatches())
            .apply(
                "ReadFiles",
                ParDo.of(new ReadFileFn(maxPixels, maxBytes))
                    .withOutputTags(LINES, TupleTagList.of(IMAGES).and(DeadLetters.TAG)));
    out.get(LINES).setCoder(SerializableCoder.of(SourceLine.class));
    return out;
  }

  /**
   * JSON Lines / URL lists ({@code .jsonl}, {@code .ndjson}, {@code .txt}; {@code .gz} read
   * transparently).
   */
  static boolean isLineFile(String uri) {
    String u = uri.toLowerCase(java.util.Locale.ROOT);
    if (u.endsWith(".gz")) {
      u = u.substring(0, u.length() - 3);
    }
    return u.endsWith(".jsonl") || u.endsWith(".ndjson") || u.endsWith(".txt");
  }

  static final class ReadFileFn extends DoFn<FileIO.ReadableFile, SourceLine> {
    private final long maxPixels;
    private final long maxBytes;
    private transient ImageProbe probe;
    private final org.apache.beam.sdk.metrics.Counter skipped =
        Ledger.counter("watch.skipped_files");

    ReadFileFn(long maxPixels, long maxBytes) {
      this.maxPixels = maxPixels;
      this.maxBytes = maxBytes;
    }

    @Setup
    public void setup() {
      probe = new ImageProbe(maxPixels);
    }

    @ProcessElement
    public void process(
        @Element FileIO.ReadableFile file, @Timestamp Instant ts, MultiOutputReceiver out)
        throws IOException {
      String uri = file.getMetadata().resourceId().toString();
      if (isLineFile(uri)) {
        ReadCrawlLines.lines(file, out.get(LINES));
        return;
      }
      if (!TarShards.isShard(uri)) {
        skipped.inc(); // e.g. img2dataset's parquet and _stats.json beside its shards: not inputs
        return;
      }
      try (InputStream in = Channels.newInputStream(file.open())) {
        TarShards.read(
            uri,
            in,
            probe,
            maxBytes,
            new TarShards.Sink() {
              @Override
              public void image(FetchedImage image) {
                Ledger.inputs().inc();
                out.get(IMAGES).output(image);
              }

              @Override
              public void rejected(String reason, String message, String ref) {
                Ledger.inputs().inc();
                out.get(DeadLetters.TAG)
                    .output(
                        DeadLetters.of(
                            STAGE,
                            reason,
                            message,
                            DeadLetters.ref(ref, null, null, null),
                            DeadLetters.eventTime(ts)));
              }
            });
      }
    }
  }
}
