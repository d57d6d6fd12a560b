package dev.spatialvqa.transforms.errors;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.metrics.MetricQueryResults;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.MetricsFilter;
import org.apache.beam.sdk.util.MimeTypes;

/**
 * The ledger of a finished bounded run ({@code summary.json}), built from the run's Beam counters
 * in the {@link Ledger} namespace. It balances when every input is counted once: inputs = (last
 * per-input stage's outputs) + filtered + dead letters.
 */
public final class RunLedger {
  private final Map<String, Long> counters;
  private final String lastStage;

  public RunLedger(Map<String, Long> counters, String lastStage) {
    this.counters = new TreeMap<>(counters);
    this.lastStage = lastStage;
  }

  /** Reads the ledger counters of a finished run (committed values when the runner has them). */
  public static RunLedger of(PipelineResult result, String lastStage) {
    MetricQueryResults q =
        result
            .metrics()
            .queryMetrics(
                MetricsFilter.builder()
                    .addNameFilter(
                        org.apache.beam.sdk.metrics.MetricNameFilter.inNamespace(Ledger.NAMESPACE))
                    .build());
    Map<String, Long> m = new TreeMap<>();
    for (MetricResult<Long> c : q.getCounters()) {
      Long v;
      try {
        v = c.getCommitted();
      } catch (UnsupportedOperationException e) {
        v = c.getAttempted();
      }
      if (v == null) {
        v = c.getAttempted();
      }
      m.merge(c.getName().getName(), v == null ? 0L : v, Long::sum);
    }
    return new RunLedger(m, lastStage);
  }

  public long get(String counter) {
    return counters.getOrDefault(counter, 0L);
  }

  private Map<String, Long> withPrefix(String prefix) {
    Map<String, Long> out = new TreeMap<>();
    counters.forEach(
        (k, v) -> {
          if (k.startsWith(prefix) && v != 0) {
            out.put(k.substring(prefix.length()), v);
          }
        });
    return out;
  }

  private static long sum(Map<String, Long> m) {
    return m.values().stream().mapToLong(Long::longValue).sum();
  }

  public long inputs() {
    return get(Ledger.INPUTS);
  }

  public long finished() {
    return get(Ledger.OUT + lastStage);
  }

  public long filteredTotal() {
    return sum(withPrefix(Ledger.FILTERED));
  }

  public long deadLetterTotal() {
    return sum(withPrefix(Ledger.DEAD));
  }

  /** Counter of dead letters the dead-letter sink wrote (counted in the sink step itself). */
  public static final String DEAD_LETTERS_WRITTEN = "records.dead_letters";

  /** Counter prefix of general-mix dead letters (not run inputs, but written like the others). */
  public static final String MIX_DEAD = "mix.dead.";

  /** Dead letters the stages counted when they made them: run inputs plus general-mix records. */
  public long deadLettersCounted() {
    return deadLetterTotal() + sum(withPrefix(MIX_DEAD));
  }

  /** Dead letters the sink wrote. */
  public long deadLettersWritten() {
    return get(DEAD_LETTERS_WRITTEN);
  }

  /**
   * Whether every dead letter a stage counted reached the sink, and nothing else did: a stage that
   * counts a failure it never emits (or emits one it never counted) breaks this.
   */
  public boolean deadLettersMatch() {
    return deadLettersCounted() == deadLettersWritten();
  }

  /** Every input counted once: inputs = last stage's outputs + filtered + dead letters. */
  public boolean balanced() {
    return inputs() == finished() + filteredTotal() + deadLetterTotal();
  }

  /**
   * What a finished run with its sinks must satisfy ({@code summary.json}'s {@code balanced}):
   * {@link #balanced()}, and every counted dead letter written by the one dead-letter sink.
   */
  public boolean complete() {
    return balanced() && deadLettersMatch();
  }

  public String balanceLine() {
    boolean sums = balanced();
    String line =
        String.format(
            "inputs %d %s %s %d + filtered %d + dead letters %d",
            inputs(), sums ? "=" : "!=", lastStage, finished(), filteredTotal(), deadLetterTotal());
    if (!deadLettersMatch()) {
      line +=
          String.format(
              "; dead letters counted %d != written %d",
              deadLettersCounted(), deadLettersWritten());
    }
    return line;
  }

  /** The summary as an ordered map (what summary.json holds). */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("inputs", inputs());
    Map<String, Long> outputs = new LinkedHashMap<>();
    outputs.put(lastStage, finished());
    withPrefix("records.").forEach(outputs::putIfAbsent);
    m.put("outputs", outputs);
    m.put("last_stage", lastStage);
    Map<String, Long> byType = withPrefix(Ledger.QA_TYPE);
    m.put("qa_generated", sum(byType));
    m.put("qa_generated_by_type", byType);
    m.put(Ledger.SCENES_WITHOUT_OBJECTS, get(Ledger.SCENES_WITHOUT_OBJECTS));
    m.put(Ledger.SCENES_WITHOUT_QA, get(Ledger.SCENES_WITHOUT_QA));
    m.put("filtered", withPrefix(Ledger.FILTERED));
    m.put("dead_letters", withPrefix(Ledger.DEAD));
    m.put("objects_filtered", withPrefix(Ledger.OBJECTS_FILTERED));
    m.put("dead_letters_written", deadLettersWritten());
    m.put("balanced", complete());
    m.put("balance", balanceLine());
    Map<String, Long> other = new TreeMap<>();
    counters.forEach(
        (k, v) -> {
          if (!k.equals(Ledger.INPUTS)
              && !k.startsWith(Ledger.OUT)
              && !k.startsWith("records.")
              && !k.startsWith(Ledger.QA_TYPE)
              && !k.startsWith(Ledger.FILTERED)
              && !k.startsWith(Ledger.DEAD)
              && !k.startsWith(Ledger.OBJECTS_FILTERED)
              && !k.equals(Ledger.SCENES_WITHOUT_OBJECTS)
              && !k.equals(Ledger.SCENES_WITHOUT_QA)) {
            other.put(k, v);
          }
        });
    m.put("counters", other);
    return m;
  }

  public String toJson() {
    try {
      return new ObjectMapper()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .writeValueAsString(toMap());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Writes {@code summary.json} under the output folder (any Beam filesystem). */
  public void write(String outputDir) throws IOException {
    var resource =
        FileSystems.matchNewResource(outputDir, true)
            .resolve(
                "summary.json",
                org.apache.beam.sdk.io.fs.ResolveOptions.StandardResolveOptions.RESOLVE_FILE);
    try (OutputStream out =
        Channels.newOutputStream(FileSystems.create(resource, MimeTypes.TEXT))) {
      out.write((toJson() + "\n").getBytes(StandardCharsets.UTF_8));
    }
  }
}
