package dev.spatialvqa.core.dedupe;

import dev.spatialvqa.core.math.Vectors;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A bounded, insertion-ordered set of recently kept embeddings: the state of one LSH key. When
 * full, the oldest entry is evicted. Memory: about {@code maxSize * (4 * dimension + id length +
 * 24)} bytes.
 */
public final class KeptSet implements Serializable {
  private static final long serialVersionUID = 1L;

  /** One kept embedding. */
  public static final class Entry implements Serializable {
    private static final long serialVersionUID = 1L;
    public final String id;

    /** Entries of the same non-null group never match each other (e.g. QA of one scene). */
    public final String group;

    public final long timestampMillis;
    public final float[] embedding;

    public Entry(String id, long timestampMillis, float[] embedding) {
      this(id, null, timestampMillis, embedding);
    }

    public Entry(String id, String group, long timestampMillis, float[] embedding) {
      this.id = id;
      this.group = group;
      this.timestampMillis = timestampMillis;
      this.embedding = embedding;
    }
  }

  /** The best match of a probe: the kept entry and its cosine similarity. */
  public static final class Match {
    public final Entry entry;
    public final double similarity;

    Match(Entry entry, double similarity) {
      this.entry = entry;
      this.similarity = similarity;
    }
  }

  private final List<Entry> entries;

  public KeptSet() {
    this.entries = new ArrayList<>();
  }

  public KeptSet(List<Entry> entries) {
    this.entries = new ArrayList<>(entries);
  }

  public List<Entry> entries() {
    return Collections.unmodifiableList(entries);
  }

  public int size() {
    return entries.size();
  }

  /**
   * The most similar entry whose similarity is strictly above {@code threshold}, that precedes the
   * probe in the canonical order (earlier timestamp; on a tie, smaller id) and lies within {@code
   * lookbackMillis} before it ({@link Long#MAX_VALUE} for no limit), or null. An entry with the
   * same id matches with similarity 1.
   *
   * <p>Only earlier entries match, so "is a duplicate of" always points back in the canonical
   * order: it cannot form a cycle, whatever order the elements arrive in (different band keys may
   * see them in different orders), and the first element of every cluster is kept.
   */
  public Match bestMatch(
      String id, float[] embedding, long timestampMillis, double threshold, long lookbackMillis) {
    return bestMatch(id, null, embedding, timestampMillis, threshold, lookbackMillis);
  }

  /** As above, skipping entries of the same non-null {@code group}. */
  public Match bestMatch(
      String id,
      String group,
      float[] embedding,
      long timestampMillis,
      double threshold,
      long lookbackMillis) {
    Match best = null;
    for (Entry e : entries) {
      if (group != null && group.equals(e.group)) {
        continue;
      }
      boolean precedes =
          e.timestampMillis < timestampMillis
              || (e.timestampMillis == timestampMillis && e.id.compareTo(id) < 0);
      if (!precedes && !e.id.equals(id)) {
        continue;
      }
      if (lookbackMillis != Long.MAX_VALUE
          && timestampMillis - e.timestampMillis > lookbackMillis) {
        continue;
      }
      double sim = e.id.equals(id) ? 1.0 : Vectors.dot(e.embedding, embedding);
      if (sim > threshold && (best == null || sim > best.similarity)) {
        best = new Match(e, sim);
      }
    }
    return best;
  }

  /** Adds an entry, evicting the oldest ones beyond {@code maxSize}; returns how many left. */
  public int add(Entry e, int maxSize) {
    entries.add(e);
    int evicted = 0;
    while (entries.size() > maxSize) {
      entries.remove(0);
      evicted++;
    }
    return evicted;
  }

  /** Removes entries older than {@code minTimestampMillis}; returns how many. */
  public int removeOlderThan(long minTimestampMillis) {
    int before = entries.size();
    entries.removeIf(e -> e.timestampMillis < minTimestampMillis);
    return before - entries.size();
  }

  /** The latest timestamp held, or {@link Long#MIN_VALUE} when empty. */
  public long maxTimestamp() {
    long m = Long.MIN_VALUE;
    for (Entry e : entries) {
      m = Math.max(m, e.timestampMillis);
    }
    return m;
  }
}
