package dev.spatialvqa.core.metrics;

/**
 * Where pure code reports informational counts (objects filtered by reason, lift statistics). The
 * Beam stages pass one backed by the run's ledger counters ({@code transforms.errors.Ledger}); pure
 * callers and tests pass {@link #NONE} or their own.
 */
@FunctionalInterface
public interface Counts {
  /** Counter names: the ledger's, without its namespace. */
  String OBJECTS_FILTERED = "objects_filtered.";

  Counts NONE = (name, n) -> {};

  void inc(String name, long n);
}
