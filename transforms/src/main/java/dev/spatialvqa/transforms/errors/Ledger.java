package dev.spatialvqa.transforms.errors;

import dev.spatialvqa.core.metrics.Counts;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;

/**
 * The run's ledger as Beam counters, in one namespace so that a bounded run's {@code summary.json}
 * and a streaming run's metrics report the same figures.
 *
 * <p>Every input is counted once under {@link #INPUTS} and once more as exactly one of: what
 * reached the run's last per-input stage ({@code out.<name>}), {@code filtered.<reason>} or {@code
 * dead.<reason>}. Other counters ({@code qa_type.<id>}, {@code objects_filtered.<reason>}, ...) are
 * informational and do not take part in the balance.
 */
public final class Ledger {
  public static final String NAMESPACE = "spatialvqa";
  public static final String INPUTS = "inputs";
  public static final String OUT = "out.";
  public static final String FILTERED = "filtered.";
  public static final String DEAD = "dead.";
  public static final String QA_TYPE = "qa_type.";

  /** Scenes written with no object left after lifting and caption checks (no QA can refer). */
  public static final String SCENES_WITHOUT_OBJECTS = "scenes_without_objects";

  /**
   * Scenes written that yielded no QA at all (no objects, or no question the geometry supports).
   */
  public static final String SCENES_WITHOUT_QA = "scenes_without_qa";

  public static final String OBJECTS_FILTERED = Counts.OBJECTS_FILTERED;

  private Ledger() {}

  public static Counter inputs() {
    return counter(INPUTS);
  }

  public static Counter output(String name) {
    return counter(OUT + name);
  }

  public static Counter filtered(String reason) {
    return counter(FILTERED + reason);
  }

  public static Counter dead(String reason) {
    return counter(DEAD + reason);
  }

  public static Counter qaType(String type) {
    return Metrics.counter(NAMESPACE, QA_TYPE + type);
  }

  public static Counter objectsFiltered(String reason) {
    return Metrics.counter(NAMESPACE, OBJECTS_FILTERED + reason);
  }

  /** The ledger's counters as the pure code's {@link Counts} (informational counters only). */
  public static final Counts COUNTS = (name, n) -> counter(name).inc(n);

  /**
   * A counter in the ledger's namespace; the balance counters (inputs, out, filtered, dead) are
   * also mirrored for progress ({@link LocalProgress}).
   */
  public static Counter counter(String name) {
    Counter c = Metrics.counter(NAMESPACE, name);
    return LocalProgress.isBalanceCounter(name) ? LocalProgress.mirrored(c, name) : c;
  }
}
