package dev.spatialvqa.pipelines.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spatialvqa.core.ids.ContentIds;
import dev.spatialvqa.core.models.ModelPool;
import dev.spatialvqa.core.perceive.PerceptionTestModels;
import dev.spatialvqa.core.testing.LoopbackImageServer;
import dev.spatialvqa.pipelines.options.SpatialVqaOptions;
import dev.spatialvqa.schemas.DeadLetter;
import dev.spatialvqa.schemas.QaRecord;
import dev.spatialvqa.schemas.SceneRecord;
import dev.spatialvqa.transforms.testing.KafkaBrokerExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The full pipeline (no {@code --until}) fed from Kafka in streaming mode on the Flink runner's
 * embedded mini-cluster: crawl records -> fetch from a loopback server -> perception with tiny
 * models that have the real exports' contracts -> lift -> QA. Scene and QA shards appear under
 * OUTPUT while the job is still running; a record that cannot be fetched is a dead letter.
 */
class KafkaPerceptionStreamingFlinkIT {
  @RegisterExtension static final KafkaBrokerExtension kafka = new KafkaBrokerExtension();
  static LoopbackImageServer server;
  static byte[] room1;
  static byte[] room2;

  @BeforeAll
  static void start() throws Exception {
    room1 = Files.readAllBytes(Fixtures.bundledDir().resolve("sunrgbd-000001/image.jpg"));
    room2 = Files.readAllBytes(Fixtures.bundledDir().resolve("sunrgbd-000002/image.jpg"));
    server = LoopbackImageServer.start("127.0.0.2");
    server.put("/rooms/1.jpg", "image/jpeg", room1);
    server.put("/rooms/2.jpg", "image/jpeg", room2);
  }

  @AfterAll
  static void stop() {
    server.close();
    ModelPool.closeAll();
  }

  @Test
  void sceneAndQaShardsAppearWhileTheStreamIsOpen(@TempDir Path dir) throws Exception {
    Path models =
        Files.writeString(dir.resolve("models.json"), PerceptionTestModels.configJson(dir, false));
    kafka.createTopic("crawl-perceive", 1);
    kafka.produce(
        "crawl-perceive",
        List.of(
            "{\"url\":\"" + server.url("/rooms/1.jpg") + "\",\"caption\":\"a room\"}",
            server.url("/missing.jpg")));
    Path out = dir.resolve("out");
    SpatialVqaOptions o =
        JobRunner.options(
            List.of(
                "--input=kafka:" + kafka.bootstrap() + "/crawl-perceive",
                "--output=" + out,
                "--models=" + models,
                "--sceneFilter=false",
                "--intraOpThreads=1",
                "--modelBatchSize=2",
                "--modelMaxBufferingMs=500",
                "--allowNetworks=127.0.0.2/32",
                "--windowSize=3s",
                "--mixWindowSeconds=3",
                "--dedupeWindowSeconds=3",
                "--dedupeAllowedLatenessSeconds=0",
                "--runner=FlinkRunner",
                "--flinkMaster=[local]",
                "--parallelism=1",
                "--streaming=true",
                "--attachedMode=false",
                "--checkpointingInterval=2000"));
    Pipeline p = Pipeline.create(o);
    SpatialVqaPipeline.build(p, o);
    PipelineResult result = p.run();
    try {
      String hash1 = ContentIds.sha256Hex(room1);
      await("the first room's scene shard", () -> sceneIds(out).contains(hash1));
      assertEquals(PipelineResult.State.RUNNING, result.getState());
      await(
          "the unreachable image's dead letter",
          () ->
              read(out.resolve("deadletters"), DeadLetter.class).stream()
                  .anyMatch(d -> d.getReason().equals("http_404")));
      int sceneShards = shards(out.resolve("scenes")).size();

      // a record sent later, while the job runs, is perceived into a later shard
      String hash2 = ContentIds.sha256Hex(room2);
      kafka.produce("crawl-perceive", List.of(server.url("/rooms/2.jpg")));
      await("the second room's scene shard", () -> sceneIds(out).contains(hash2));
      assertEquals(PipelineResult.State.RUNNING, result.getState());
      assertTrue(shards(out.resolve("scenes")).size() > sceneShards);

      List<SceneRecord> scenes = read(out.resolve("scenes"), SceneRecord.class);
      assertEquals(
          Set.of(hash1, hash2),
          scenes.stream().map(SceneRecord::getSceneId).collect(Collectors.toSet()));
      for (SceneRecord s : scenes) {
        assertTrue(!s.getObjects().isEmpty(), "lifted objects in " + s.getSceneId());
      }
      await(
          "QA shards for the streamed scenes",
          () ->
              read(out.resolve("qa"), QaRecord.class).stream()
                  .map(QaRecord::getSceneId)
                  .collect(Collectors.toSet())
                  .containsAll(Set.of(hash1, hash2)));
      assertEquals(PipelineResult.State.RUNNING, result.getState());
    } finally {
      result.cancel();
    }
  }

  private static Set<String> sceneIds(Path out) {
    return read(out.resolve("scenes"), SceneRecord.class).stream()
        .map(SceneRecord::getSceneId)
        .collect(Collectors.toSet());
  }

  private static List<Path> shards(Path dir) {
    return StreamingShards.shards(dir);
  }

  private static <T extends org.apache.avro.specific.SpecificRecord> List<T> read(
      Path dir, Class<T> type) {
    return StreamingShards.read(dir, type);
  }

  private static void await(String what, Supplier<Boolean> condition) throws InterruptedException {
    StreamingShards.await(what, 90, condition);
  }
}
