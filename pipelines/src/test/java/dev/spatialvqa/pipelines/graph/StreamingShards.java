package dev.spatialvqa.pipelines.graph;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;

/** Reading a streaming job's output while it runs, for tests. */
final class StreamingShards {
  private StreamingShards() {}

  /** Finished shards directly under dir (temporary files live in sub-folders). */
  static List<Path> shards(Path dir) {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(
              f -> f.getFileName().toString().startsWith("part") && f.toString().endsWith(".avro"))
          .toList();
    } catch (Exception e) {
      return List.of();
    }
  }

  /**
   * Records of the finished shards under dir; a shard being renamed into place is read next poll.
   */
  static <T extends SpecificRecord> List<T> read(Path dir, Class<T> type) {
    List<T> all = new ArrayList<>();
    for (Path f : shards(dir)) {
      try (DataFileReader<T> r =
          new DataFileReader<>(f.toFile(), new SpecificDatumReader<>(type))) {
        r.forEach(all::add);
      } catch (Exception e) {
        // a shard being renamed into place: read it on the next poll
      }
    }
    return all;
  }

  /**
   * Polls until the condition holds; fails after a bounded wait (no fixed sleeps as assertions).
   */
  static void await(String what, long timeoutSeconds, Supplier<Boolean> condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeoutSeconds * 1_000_000_000L;
    while (System.nanoTime() < deadline) {
      if (condition.get()) {
        return;
      }
      Thread.sleep(250);
    }
    fail("timed out waiting for " + what);
  }
}
