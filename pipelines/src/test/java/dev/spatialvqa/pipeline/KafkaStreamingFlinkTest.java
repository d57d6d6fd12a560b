package dev.spatialvqa.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.spatialvqa.options.SpatialVqaOptions;
import dev.spatialvqa.schemas.DeadLetter;
import dev.spatialvqa.schemas.ImageRecord;
import dev.spatialvqa.testing.KafkaBrokerExtension;
import dev.spatialvqa.testing.LoopbackImageServer;
import dev.spatialvqa.testing.TestImages;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
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
class KafkaStreamingFlinkTest {
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
    kafka.produce("crawl-stream", List.of(
        "{\"url\":\"" + server.url("/stream/0.jpg") + "\",\"caption\":\"first\"}",
        server.url("/stream/1.jpg"),
        server.url("/stream/0.jpg") + "?duplicate-within-the-window",
        "{\"url\": not json"));
    Path out = dir.resolve("out");
    SpatialVqaOptions o = JobRunner.options(List.of(
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

      kafka.produce("crawl-stream", List.of(server.url("/stream/2.jpg"), server.url("/stream/3.jpg")));
      await("second batch in later shards", () -> urls(out).containsAll(
          Set.of(server.url("/stream/2.jpg"), server.url("/stream/3.jpg"))));
      assertEquals(PipelineResult.State.RUNNING, result.getState());
      assertTrue(shards(out.resolve("images")).size() > shardsBefore);
      await("the malformed record's dead letter", () -> read(out.resolve("deadletters"), DeadLetter.class).stream()
          .anyMatch(d -> d.getReason().equals("malformed_record")));
      List<ImageRecord> images = read(out.resolve("images"), ImageRecord.class);
      // the copy sent right after the original (same bytes, within the window) was dropped
      Set<String> got = images.stream().map(ImageRecord::getUrl).collect(Collectors.toSet());
      assertEquals(4, images.size(), "each image once: " + got);
      assertTrue(!got.contains(server.url("/stream/0.jpg") + "?duplicate-within-the-window"), got.toString());
      for (ImageRecord r : images) {
        assertTrue(Files.exists(Path.of(r.getImageUri())), r.getImageUri());
      }
    } finally {
      result.cancel();
    }
  }

  private static Set<String> urls(Path out) {
    return read(out.resolve("images"), ImageRecord.class).stream().map(ImageRecord::getUrl).collect(Collectors.toSet());
  }

  /** Finished shards directly under dir (temporary files live in sub-folders). */
  private static List<Path> shards(Path dir) {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(f -> f.getFileName().toString().startsWith("part") && f.toString().endsWith(".avro")).toList();
    } catch (Exception e) {
      return List.of();
    }
  }

  private static <T extends org.apache.avro.specific.SpecificRecord> List<T> read(Path dir, Class<T> type) {
    List<T> all = new ArrayList<>();
    for (Path f : shards(dir)) {
      try (var r = new org.apache.avro.file.DataFileReader<>(f.toFile(), new org.apache.avro.specific.SpecificDatumReader<>(type))) {
        r.forEach(all::add);
      } catch (Exception e) {
        // a shard being renamed into place: read it on the next poll
      }
    }
    return all;
  }

  /** Polls until the condition holds; fails after a bounded wait (no fixed sleeps as assertions). */
  private static void await(String what, Supplier<Boolean> condition) throws InterruptedException {
    long deadline = System.nanoTime() + 180_000_000_000L;
    while (System.nanoTime() < deadline) {
      if (condition.get()) {
        return;
      }
      Thread.sleep(250);
    }
    fail("timed out waiting for " + what);
  }
}
