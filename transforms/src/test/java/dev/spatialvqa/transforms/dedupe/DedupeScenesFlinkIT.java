package dev.spatialvqa.transforms.dedupe;

import static dev.spatialvqa.transforms.dedupe.SceneFixtures.scene;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spatialvqa.core.dedupe.ImageDedupeConfig;
import dev.spatialvqa.schemas.DuplicateRecord;
import dev.spatialvqa.schemas.PerceivedScene;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.beam.runners.flink.FlinkPipelineOptions;
import org.apache.beam.runners.flink.FlinkRunner;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.extensions.avro.coders.AvroCoder;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.joda.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link DedupeScenes} on the Flink runner (embedded mini-cluster, streaming) with the RocksDB
 * state backend and checkpoints, across a restart: a periodic impulse emits one scene every 50 ms,
 * stamped 20 minutes of event time apart; the job fails once mid-stream, after a checkpoint that
 * holds the first scenes has completed, and Flink restores it from its last checkpoint. Scenes kept
 * before the failure are in the restored RocksDB state: their re-crawls (4 days later, same bytes
 * or re-encoded) after the restart are caught, one past the TTL is new again, and the source is not
 * replayed from the start (so nothing but the restored state can have caught them).
 */
class DedupeScenesFlinkIT {
  static final long BASE = System.currentTimeMillis() + 365L * 86_400_000L;
  static final long STEP = 20 * 60_000L;
  static final long INTERVAL_MS = 50;
  static final int N = 400;
  static final int FAIL_FROM = 20;

  static final Set<String> KEPT = ConcurrentHashMap.newKeySet();
  static final Set<String> DROPPED = ConcurrentHashMap.newKeySet();
  static final AtomicLong FAILED_AT = new AtomicLong(-1);
  static final AtomicInteger FIRST_EMITTED = new AtomicInteger();
  static final AtomicLong CHECKPOINT_BEFORE = new AtomicLong(-2);
  static volatile Path checkpoints;

  static long hashOf(long i) {
    return new SplittableRandom(1000 + i).nextLong();
  }

  /** Event time of element i: 20 minutes apart; the last one 20 days after the first. */
  static Instant timeOf(long i) {
    return new Instant(BASE + (i == N - 1 ? 20 * 86_400_000L : i * STEP));
  }

  /**
   * Scene i of the stream. The element the job failed at, replayed after the restart, is a
   * re-encoded copy of scene 0 (3 bits away), the next one has the same bytes as scene 1: both
   * arrive only after the restart, days after their originals in event time.
   */
  static PerceivedScene sceneAt(long i) {
    long failed = FAILED_AT.get();
    if (failed >= 0 && i == failed) {
      return scene("s000-recrawl", "sha-recrawl", hashOf(0) ^ 0b10101L, null);
    }
    if (failed >= 0 && i == failed + 1) {
      return scene("s001-mirror", "sha-1", hashOf(1), null);
    }
    if (i == N - 1) { // scene 2 again, 20 days after it: past the 10-day TTL
      return scene("s002-late", "sha-2-late", hashOf(2) ^ 1L, null);
    }
    return scene(String.format("s%03d", i), "sha-" + i, hashOf(i), null);
  }

  /** The highest checkpoint number under the checkpoint folder (completed ones only if asked). */
  static long maxCheckpoint(boolean completed) {
    long max = -1;
    try (java.util.stream.Stream<Path> all = java.nio.file.Files.walk(checkpoints)) {
      for (Path d : (Iterable<Path>) all::iterator) {
        String n = d.getFileName().toString();
        if (n.matches("chk-\\d+")
            && (!completed || java.nio.file.Files.exists(d.resolve("_metadata")))) {
          max = Math.max(max, Long.parseLong(n.substring(4)));
        }
      }
    } catch (java.io.IOException | java.io.UncheckedIOException e) {
      // a checkpoint folder deleted while walking: look again at the next element
    }
    return max;
  }

  /**
   * Fails once, at the first element from {@link #FAIL_FROM} on after a checkpoint triggered after
   * scenes 0-2 were emitted has completed (so the restored state holds them).
   */
  /** The element's index in the stream, from its impulse time. */
  static final class IndexFn extends DoFn<Instant, Long> {
    private final long start;

    IndexFn(Instant start) {
      this.start = start.getMillis();
    }

    @ProcessElement
    public void process(@Element Instant t, OutputReceiver<Long> out) {
      out.output(Math.round((t.getMillis() - start) / (double) INTERVAL_MS));
    }
  }

  /** Moves each element to its event time (forward: later than the impulse). */
  static final class EventTimeFn extends DoFn<Long, Long> {
    @ProcessElement
    public void process(@Element Long i, OutputReceiver<Long> out) {
      out.outputWithTimestamp(i, timeOf(i));
    }
  }

  static final class ToSceneFn extends DoFn<Long, PerceivedScene> {
    @ProcessElement
    public void process(@Element Long i, OutputReceiver<PerceivedScene> out) {
      if (i == 0) {
        FIRST_EMITTED.incrementAndGet();
      }
      if (i == 3) {
        CHECKPOINT_BEFORE.compareAndSet(-2, maxCheckpoint(false));
      }
      if (i >= FAIL_FROM
          && FAILED_AT.get() < 0
          && CHECKPOINT_BEFORE.get() > -2
          && maxCheckpoint(true) > CHECKPOINT_BEFORE.get()
          && FAILED_AT.compareAndSet(-1, i)) {
        throw new IllegalStateException("planted failure: the job restarts from its checkpoint");
      }
      out.output(sceneAt(i));
    }
  }

  static final class CollectKeptFn extends DoFn<PerceivedScene, Void> {
    @ProcessElement
    public void process(@Element PerceivedScene s) {
      KEPT.add(s.getSceneId());
    }
  }

  static final class CollectDroppedFn extends DoFn<DuplicateRecord, Void> {
    @ProcessElement
    public void process(@Element DuplicateRecord d) {
      DROPPED.add(d.getDroppedId() + "->" + d.getKeptId() + ":" + d.getMethod());
    }
  }

  @Test
  void stateSurvivesARestartOnRocksDb(@TempDir Path dir) throws Exception {
    checkpoints = dir.resolve("checkpoints");
    java.nio.file.Files.createDirectories(checkpoints);
    FlinkPipelineOptions o = PipelineOptionsFactory.create().as(FlinkPipelineOptions.class);
    o.setRunner(FlinkRunner.class);
    o.setFlinkMaster("[local]");
    o.setStreaming(true);
    o.setParallelism(1);
    o.setStateBackend("rocksdb");
    o.setStateBackendStoragePath(checkpoints.toUri().toString());
    o.setCheckpointingInterval(200L);
    o.setNumberOfExecutionRetries(2);
    o.setExecutionRetryDelay(100L);
    // Flink takes no checkpoint once a source task has finished: the impulse task stays up for
    // the whole stream (20 s), then the job ends. The stream is a PeriodicImpulse, a splittable
    // DoFn that yields between elements, so checkpoint barriers pass while it runs.
    o.setShutdownSourcesAfterIdleMs(30_000L);
    Pipeline p = Pipeline.create(o);
    Instant start = Instant.now().plus(org.joda.time.Duration.standardSeconds(5));
    PCollectionTuple out =
        p.apply(
                "Stream",
                org.apache.beam.sdk.transforms.PeriodicImpulse.create()
                    .startAt(start)
                    .stopAt(start.plus(org.joda.time.Duration.millis((N - 1) * INTERVAL_MS)))
                    .withInterval(org.joda.time.Duration.millis(INTERVAL_MS)))
            .apply("Index", ParDo.of(new IndexFn(start)))
            .apply("EventTime", ParDo.of(new EventTimeFn()))
            .apply("ToScene", ParDo.of(new ToSceneFn()))
            .setCoder(AvroCoder.specific(PerceivedScene.class))
            .apply(
                "DedupeScenes",
                DedupeScenes.of(ImageDedupeConfig.defaults().withTtl(Duration.ofDays(10))));
    out.get(DedupeScenes.KEPT).apply("CollectKept", ParDo.of(new CollectKeptFn()));
    out.get(DedupeScenes.DUPLICATES).apply("CollectDropped", ParDo.of(new CollectDroppedFn()));
    p.run().waitUntilFinish();

    long failedAt = FAILED_AT.get();
    assertTrue(
        failedAt >= FAIL_FROM && failedAt < N - 2,
        "failed at element " + failedAt + " (no checkpoint completed in time?)");
    assertEquals(1, FIRST_EMITTED.get(), "the source resumed from its checkpoint, not from 0");
    assertEquals(
        new TreeSet<>(Set.of("s000-recrawl->s000:phash64", "s001-mirror->s001:sha256")),
        new TreeSet<>(DROPPED));
    assertTrue(KEPT.contains("s002-late"), "past the TTL: new again");
    Set<String> expectedKept = new TreeSet<>();
    for (long i = 0; i < N; i++) {
      expectedKept.add(sceneAt(i).getSceneId());
    }
    expectedKept.removeAll(Set.of("s000-recrawl", "s001-mirror"));
    assertEquals(N - 2, expectedKept.size());
    assertEquals(expectedKept, new TreeSet<>(KEPT));
  }
}
