package dev.spatialvqa.transforms.errors;

import dev.spatialvqa.schemas.DeadLetter;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;

/**
 * The one dead-letter path of a pipeline graph, in the shape of Beam's {@code ErrorHandler}: every
 * stage registers its failure output ({@link DeadLetters#TAG}) here while the graph is built, and
 * the sink takes {@link #flattened()} once, which flattens them in one step ({@code
 * AllDeadLetters}). Registering after that is a bug in the graph and throws, so no stage's failures
 * can miss the sink.
 */
public final class DeadLetterCollector {
  /** The one Flatten step's name. */
  public static final String STEP = "AllDeadLetters";

  private final List<PCollection<DeadLetter>> parts = new ArrayList<>();
  private PCollection<DeadLetter> flattened;

  /** A collector holding {@code first} (e.g. an ingest source's failures). */
  public static DeadLetterCollector of(PCollection<DeadLetter> first) {
    return new DeadLetterCollector().add(first);
  }

  /** Registers one stage's failures. */
  public DeadLetterCollector add(PCollection<DeadLetter> failures) {
    if (flattened != null) {
      throw new IllegalStateException(
          "dead letters were already flattened into the sink: register every stage's failure"
              + " output before the sinks are applied");
    }
    if (failures == null) {
      throw new IllegalArgumentException("a stage's failure output must not be null");
    }
    parts.add(failures);
    return this;
  }

  /** Registers the {@link DeadLetters#TAG} output of a multi-output stage. */
  public DeadLetterCollector addFrom(PCollectionTuple stageOutputs) {
    return add(stageOutputs.get(DeadLetters.TAG));
  }

  /** How many stage outputs are registered. */
  public int size() {
    return parts.size();
  }

  /** Every registered failure output, flattened in one step (the same collection on every call). */
  public PCollection<DeadLetter> flattened() {
    if (flattened == null) {
      if (parts.isEmpty()) {
        throw new IllegalStateException("no stage registered a failure output");
      }
      flattened = PCollectionList.of(parts).apply(STEP, Flatten.pCollections());
    }
    return flattened;
  }
}
