package dev.spatialvqa.pipelines.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spatialvqa.core.ids.ContentIds;
import dev.spatialvqa.core.models.ModelPool;
import dev.spatialvqa.core.perceive.PerceptionTestModels;
import dev.spatialvqa.core.testing.LoopbackImageServer;
import dev.spatialvqa.core.testing.TestImages;
import dev.spatialvqa.pipelines.options.SpatialVqaOptions;
import dev.spatialvqa.schemas.DeadLetter;
import dev.spatialvqa.schemas.SceneRecord;
import dev.spatialvqa.transforms.testing.KafkaBrokerExtension;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.Pipeline;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exactly once under failure, on a real cluster: the full streaming job (Kafka crawl records ->
 * fetch from a loopback server -> perception with stand-in models -> lift -> QA -> windowed Avro
 * shards) runs on the local session cluster of {@code runners/flink/local-cluster.sh} (JobManager
 * and TaskManager as separate JVMs, RocksDB state backend, checkpoints in a local folder). Its
 * TaskManager is killed with SIGKILL while the second half of the stream is being processed, a new
 * one is started and the job recovers from its last checkpoint. Every output (scenes, QA, dead
 * letters, duplicates, accounting, images) is then compared with an undisturbed run of the same
 * topic: {@code failover: lost=N duplicated=M}, both must be 0.
 *
 * <p>Deterministic by construction, not by timing: the first half's records carry past event times
 * (their windows fire once the source is idle), the second half's lie in the future (their windows
 * fire only when the job is drained), each run ends when the job's consumer group has committed the
 * whole topic (a checkpoint covers every record) and is then stopped with {@code --drain} (a
 * savepoint after the final watermark).
 */
class FlinkFailoverIT {
  @RegisterExtension static final KafkaBrokerExtension kafka = new KafkaBrokerExtension();
  static final String TOPIC = "crawl-failover";
  static LoopbackImageServer server;
  static LocalFlinkCluster cluster;
  static Path models;
  @TempDir static Path dir;

  /** The first half: past event times. */
  static final List<String> FIRST = new ArrayList<>();

  /** The second half: event times in the future (windows fire on drain). */
  static final List<String> SECOND = new ArrayList<>();

  static final List<String> SECOND_PATHS = new ArrayList<>();
  static final Set<String> SCENE_IDS = new TreeSet<>();
  static final List<String> HASHES = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    long t0 = System.nanoTime();
    server = LoopbackImageServer.start("127.0.0.2");
    byte[] room1 = Files.readAllBytes(Fixtures.bundledDir().resolve("sunrgbd-000001/image.jpg"));
    byte[] room2 = Files.readAllBytes(Fixtures.bundledDir().resolve("sunrgbd-000002/image.jpg"));
    List<byte[]> images =
        List.of(room1, room2, crop(room1, 0), crop(room2, 0), crop(room1, 1), crop(room2, 1));
    for (int i = 0; i < images.size(); i++) {
      server.put("/rooms/" + i + ".jpg", "image/jpeg", images.get(i));
      HASHES.add(ContentIds.sha256Hex(images.get(i)));
      SCENE_IDS.add(HASHES.get(i));
    }
    Instant past = Instant.parse("2026-01-01T00:00:00Z");
    // an hour ahead, on a whole minute: the same window boundaries in every test run
    Instant future = Instant.ofEpochSecond((Instant.now().getEpochSecond() / 60 + 60) * 60);
    FIRST.add(record("/rooms/0.jpg", "a room", past, 0));
    FIRST.add(record("/rooms/1.jpg", "another room", past, 1));
    FIRST.add(record("/rooms/0.jpg?copy", "the same bytes again", past, 2));
    FIRST.add(record("/missing-a.jpg", "not there", past, 3));
    FIRST.add("{\"url\": not json");
    for (int i = 2; i < images.size(); i++) {
      SECOND.add(record("/rooms/" + i + ".jpg", "room " + i, future, i));
      SECOND_PATHS.add("/rooms/" + i + ".jpg");
    }
    SECOND.add(record("/rooms/3.jpg?copy", "a copy", future, 7));
    SECOND.add(record("/missing-b.jpg", "not there either", future, 8));
    models =
        Files.writeString(dir.resolve("models.json"), PerceptionTestModels.configJson(dir, false));
    kafka.createTopic(TOPIC, 1);
    cluster = LocalFlinkCluster.start(dir.resolve("cluster"));
    System.out.printf("failover: cluster and inputs ready in %.1f s%n", seconds(t0));
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      if (cluster != null) {
        cluster.close();
      }
    } finally {
      server.close();
      ModelPool.closeAll();
    }
  }

  @Test
  void aKilledTaskManagerLosesNothingAndDuplicatesNothing() throws Exception {
    int total = FIRST.size() + SECOND.size();
    kafka.produce(TOPIC, FIRST);

    // the disturbed run: the first half is processed and checkpointed, the second half is sent,
    // and the TaskManager dies while it is being processed
    long t0 = System.nanoTime();
    Path failed = dir.resolve("failover");
    String job = submit(failed, "failover");
    await(
        "the first half's scene shards",
        () -> sceneIds(failed).containsAll(idsOf(List.of(0, 1))),
        job);
    await("a checkpoint covering the first half", () -> committed("failover") == FIRST.size(), job);
    int hitsBefore = hits(SECOND_PATHS);
    kafka.produce(TOPIC, SECOND);
    await("the second half being fetched", () -> hits(SECOND_PATHS) > hitsBefore, job);
    long committedAtKill = committed("failover");
    int killed = cluster.killTaskManagers();
    long killedAt = System.nanoTime();
    assertEquals(1, killed, "TaskManagers killed");
    await("the job noticing the lost TaskManager", () -> !cluster.allTasksRunning(job), job);
    cluster.startTaskManager();
    await("the job running again on the new TaskManager", () -> cluster.allTasksRunning(job), job);
    JsonNode restored = cluster.checkpoints(job).path("latest").path("restored");
    double recovery = seconds(killedAt);
    await("a checkpoint covering the whole topic", () -> committed("failover") == total, job);
    cluster.stopWithSavepoint(job, true, dir.resolve("savepoints"));
    await("the drained job finishing", () -> cluster.state(job).equals("FINISHED"), job);
    double failoverSeconds = seconds(t0);
    int failoverFetches = hits(SECOND_PATHS) - hitsBefore;

    // the undisturbed run of the same topic
    long t1 = System.nanoTime();
    Path base = dir.resolve("baseline");
    int baseHitsBefore = hits(SECOND_PATHS);
    String baseJob = submit(base, "baseline");
    await("a checkpoint covering the whole topic", () -> committed("baseline") == total, baseJob);
    cluster.stopWithSavepoint(baseJob, true, dir.resolve("savepoints"));
    await("the drained job finishing", () -> cluster.state(baseJob).equals("FINISHED"), baseJob);
    double baselineSeconds = seconds(t1);
    int replayedFetches = failoverFetches - (hits(SECOND_PATHS) - baseHitsBefore);

    // the baseline is the whole input: every distinct image a scene, the rest dead letters/dupes
    assertEquals(SCENE_IDS, sceneIds(base), "scenes of the undisturbed run");
    Set<String> reasons =
        StreamingShards.read(base.resolve("deadletters"), DeadLetter.class).stream()
            .map(DeadLetter::getReason)
            .collect(Collectors.toSet());
    assertTrue(reasons.containsAll(Set.of("http_404", "malformed_record")), reasons.toString());

    Map<String, Map<String, Integer>> expected = outputs(base);
    Map<String, Map<String, Integer>> got = outputs(failed);
    assertTrue(expected.getOrDefault("qa", Map.of()).size() > 0, "QA in the undisturbed run");
    int lost = 0;
    int duplicated = 0;
    StringBuilder detail = new StringBuilder();
    Set<String> kinds = new TreeSet<>(expected.keySet());
    kinds.addAll(got.keySet());
    for (String kind : kinds) {
      Map<String, Integer> e = expected.getOrDefault(kind, Map.of());
      Map<String, Integer> g = got.getOrDefault(kind, Map.of());
      int l = 0;
      int d = 0;
      Set<String> keys = new HashSet<>(e.keySet());
      keys.addAll(g.keySet());
      for (String k : keys) {
        int diff = g.getOrDefault(k, 0) - e.getOrDefault(k, 0);
        if (diff < 0) {
          l -= diff;
        } else {
          d += diff;
        }
      }
      lost += l;
      duplicated += d;
      detail.append(
          String.format(
              " %s=%d/%d", kind, g.values().stream().mapToInt(Integer::intValue).sum(), sum(e)));
      if (l + d > 0) {
        detail.append("(lost ").append(l).append(", duplicated ").append(d).append(')');
      }
    }
    System.out.printf("failover: lost=%d duplicated=%d%n", lost, duplicated);
    System.out.printf(
        "failover: records (failover/baseline):%s; killed with %d of %d records in a completed"
            + " checkpoint, restored %s, recovery %.1f s, %d fetches replayed; failover run %.1f s,"
            + " baseline %.1f s, state backend %s%n",
        detail,
        committedAtKill,
        total,
        restored.isMissingNode() || restored.isNull()
            ? "from no checkpoint"
            : "checkpoint " + restored.path("id").asText(),
        recovery,
        replayedFetches,
        failoverSeconds,
        baselineSeconds,
        cluster.checkpointConfig(baseJob).path("state_backend").asText());
    assertTrue(
        !restored.isMissingNode() && !restored.isNull(), "the job restored from a checkpoint");
    assertEquals(0, lost, "records lost by the failover:" + detail);
    assertEquals(0, duplicated, "records duplicated by the failover:" + detail);
  }

  private static int sum(Map<String, Integer> m) {
    return m.values().stream().mapToInt(Integer::intValue).sum();
  }

  private String submit(Path out, String group) throws Exception {
    Set<String> before = cluster.jobIds();
    SpatialVqaOptions o =
        JobRunner.options(
            List.of(
                "--input=kafka:" + kafka.bootstrap() + "/" + TOPIC,
                "--kafkaGroupId=" + group,
                "--output=" + out,
                "--models=" + models,
                "--sceneFilter=false",
                "--intraOpThreads=1",
                "--modelBatchSize=2",
                "--modelMaxBufferingMs=300",
                "--allowNetworks=127.0.0.2/32",
                "--windowSize=5s",
                "--mixWindowSeconds=5",
                "--dedupeWindowSeconds=5",
                "--dedupeAllowedLatenessSeconds=0",
                "--runner=FlinkRunner",
                "--flinkMaster=" + cluster.master(),
                "--filesToStage=" + String.join(",", LocalFlinkCluster.jobFiles()),
                "--parallelism=1",
                "--streaming=true",
                "--attachedMode=false",
                "--checkpointingInterval=1000"));
    Pipeline p = Pipeline.create(o);
    SpatialVqaPipeline.build(p, o);
    p.run();
    Set<String> after = new HashSet<>(cluster.jobIds());
    after.removeAll(before);
    assertEquals(1, after.size(), "one new job on the cluster: " + after);
    String job = after.iterator().next();
    await("the job's tasks running", () -> cluster.allTasksRunning(job), job);
    return job;
  }

  /** The consumer group's committed offset (what a completed checkpoint covers). */
  private static long committed(String group) throws Exception {
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrap());
    try (Admin admin = Admin.create(props)) {
      Map<TopicPartition, OffsetAndMetadata> m =
          admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
      OffsetAndMetadata o = m.get(new TopicPartition(TOPIC, 0));
      return o == null ? 0 : o.offset();
    }
  }

  private static int hits(List<String> paths) {
    return paths.stream().mapToInt(server::hits).sum();
  }

  private static Set<String> idsOf(List<Integer> rooms) {
    return rooms.stream().map(HASHES::get).collect(Collectors.toSet());
  }

  private static Set<String> sceneIds(Path out) {
    return StreamingShards.read(out.resolve("scenes"), SceneRecord.class).stream()
        .map(SceneRecord::getSceneId)
        .collect(Collectors.toSet());
  }

  /**
   * Every finished Avro shard under the output, per folder, as a multiset of its records' JSON (the
   * run's own output folder written as OUT, so the two runs' paths compare equal).
   */
  private static Map<String, Map<String, Integer>> outputs(Path out) throws Exception {
    Map<String, Map<String, Integer>> all = new TreeMap<>();
    try (Stream<Path> files = Files.walk(out)) {
      for (Path f : files.filter(FlinkFailoverIT::isShard).toList()) {
        String kind = out.relativize(f.getParent()).toString();
        try (DataFileReader<GenericRecord> r =
            new DataFileReader<>(f.toFile(), new GenericDatumReader<>())) {
          for (GenericRecord rec : r) {
            String key = rec.toString().replace(out.toString(), "OUT");
            all.computeIfAbsent(kind, k -> new TreeMap<>()).merge(key, 1, Integer::sum);
          }
        }
      }
    }
    return all;
  }

  private static boolean isShard(Path f) {
    String name = f.getFileName().toString();
    return name.startsWith("part") && name.endsWith(".avro");
  }

  private static String record(String path, String caption, Instant base, int i) {
    return "{\"url\": \""
        + server.url(path)
        + "\", \"caption\": \""
        + caption
        + "\", \"crawl_time\": \""
        + base.plusSeconds(i)
        + "\"}";
  }

  /** A distinct image from a room photo: a crop (different bytes, similar content). */
  private static byte[] crop(byte[] jpeg, int variant) throws Exception {
    BufferedImage im = ImageIO.read(new ByteArrayInputStream(jpeg));
    int w = im.getWidth() * 3 / 4;
    int h = im.getHeight() * 3 / 4;
    int x = variant == 0 ? 0 : im.getWidth() - w;
    int y = variant == 0 ? 0 : im.getHeight() - h;
    BufferedImage c = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    c.getGraphics().drawImage(im.getSubimage(x, y, w, h), 0, 0, null);
    return TestImages.encode(c, "jpg");
  }

  private static double seconds(long since) {
    return (System.nanoTime() - since) / 1e9;
  }

  /** Polls a condition (no sleeps as synchronisation); fails with the cluster's logs. */
  private static void await(String what, Callable<Boolean> condition, String job) throws Exception {
    long deadline = System.nanoTime() + 150_000_000_000L;
    Exception last = null;
    while (System.nanoTime() < deadline) {
      try {
        if (condition.call()) {
          return;
        }
      } catch (Exception e) {
        last = e; // e.g. the REST API while the JobManager reschedules: polled again
      }
      Thread.sleep(200);
    }
    throw new AssertionError(
        "timed out waiting for "
            + what
            + " (job "
            + job
            + ", last error "
            + last
            + ")\n"
            + cluster.logs());
  }
}
