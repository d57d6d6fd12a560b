package dev.spatialvqa.pipelines.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spatialvqa.core.testing.LoopbackImageServer;
import dev.spatialvqa.core.testing.TestImages;
import dev.spatialvqa.pipelines.options.SpatialVqaOptions;
import dev.spatialvqa.schemas.DeadLetter;
import dev.spatialvqa.schemas.ImageRecord;
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
 * A Kafka-fed ingest-only run in streaming mode on the Flink runner's embedded mini-cluster: image
 * shards appear under OUTPUT/images while the stream is open, and records sent later appear in
 * later shards. Duplicates (same bytes) within the window are dropped.
 */
class KafkaStreamingFlinkIT {
  @RegisterExtension static final KafkaBrokerExtension kafka = new KafkaBrokerExtension();
  static LoopbackImageServer server;

  @BeforeAll
  static void start() {
    server = LoopbackImageServer.start("127.0.0.2");
    for (int i = 0; i < 4; i++) {
      server.put("/stream/" + i + ".jpg", "image/jpeg", TestImages.jpeg(80 + i, 60, 100 + i));
    }
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void shardsAppearWhileTheStreamIsOpen(@TempDir Path dir) throws Exception {
    kafka.createTopic("crawl-stream", 1);
    kafka.produce(
        "crawl-stream",
        List.of(
            "{\"url\":\"" + server.url("/stream/0.jpg") + "\",\"caption\":\"first\"}",
            server.url("/stream/1.jpg"),
            server.url("/stream/0.jpg") + "?duplicate-within-the-window",
            "{\"url\": not json"));
    Path out = dir.resolve("out");
    SpatialVqaOptions o =
        JobRunner.options(
            List.of(
                "--input=kafka:" + kafka.bootstrap() + "/crawl-stream",
                "--output=" + out,
                "--until=fetch",
                "--allowNetworks=127.0.0.2/32",
                "--windowSize=3s",
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
      Set<String> first = Set.of(server.url("/stream/0.jpg"), server.url("/stream/1.jpg"));
      await("first batch of image shards", () -> urls(out).containsAll(first));
      assertEquals(PipelineResult.State.RUNNING, result.getState());
      int shardsBefore = shards(out.resolve("images")).size();

      kafka.produce(
          "crawl-stream", List.of(server.url("/stream/2.jpg"), server.url("/stream/3.jpg")));
      await(
          "second batch in later shards",
          () ->
              urls(out)
                  .containsAll(Set.of(server.url("/stream/2.jpg"), server.url("/stream/3.jpg"))));
      assertEquals(PipelineResult.State.RUNNING, result.getState());
      assertTrue(shards(out.resolve("images")).size() > shardsBefore);
      await(
          "the malformed record's dead letter",
          () ->
              read(out.resolve("deadletters"), DeadLetter.class).stream()
                  .anyMatch(d -> d.getReason().equals("malformed_record")));
      List<ImageRecord> images = read(out.resolve("images"), ImageRecord.class);
      // the copy sent right after the original (same bytes, within the window) was dropped
      Set<String> got = images.stream().map(ImageRecord::getUrl).collect(Collectors.toSet());
      assertEquals(4, images.size(), "each image once: " + got);
      assertTrue(
          !got.contains(server.url("/stream/0.jpg") + "?duplicate-within-the-window"),
          got.toString());
      for (ImageRecord r : images) {
        assertTrue(Files.exists(Path.of(r.getImageUri())), r.getImageUri());
      }
    } finally {
      result.cancel();
    }
  }

  private static Set<String> urls(Path out) {
    return read(out.resolve("images"), ImageRecord.class).stream()
        .map(ImageRecord::getUrl)
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
    StreamingShards.await(what, 180, condition);
  }
}
