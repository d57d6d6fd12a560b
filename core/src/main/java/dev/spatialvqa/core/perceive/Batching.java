package dev.spatialvqa.core.perceive;

import java.io.Serializable;
import java.time.Duration;

/**
 * How images are batched for the models: {@code size} images per model call, a batch is flushed
 * after {@code maxBuffering} even when not full (streaming), and images are spread over {@code
 * shards} keys derived from their content hash (GroupIntoBatches batches per key, so the shard
 * count bounds the parallelism of the model stage and the number of partial batches).
 */
public record Batching(int size, Duration maxBuffering, int shards) implements Serializable {
  public Batching {
    if (size < 1 || size > 1024) {
      throw new IllegalArgumentException("batch size must be in [1, 1024], got " + size);
    }
    if (maxBuffering == null || maxBuffering.toMillis() < 1) {
      throw new IllegalArgumentException("max buffering must be >= 1 ms, got " + maxBuffering);
    }
    if (shards < 1) {
      throw new IllegalArgumentException("shards must be >= 1, got " + shards);
    }
  }

  public static Batching defaults() {
    return new Batching(8, Duration.ofSeconds(5), 16);
  }

  /** The shard of a content hash (sha256 hex): its first 8 hex digits modulo the shard count. */
  public int shardOf(String contentHash) {
    long v = Long.parseLong(contentHash.substring(0, Math.min(8, contentHash.length())), 16);
    return (int) (v % shards);
  }
}
