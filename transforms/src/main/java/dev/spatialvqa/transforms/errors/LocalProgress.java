package dev.spatialvqa.transforms.errors;

import java.io.Serializable;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.MetricName;

/**
 * The ledger's balance counters mirrored in this JVM, for progress while a bounded run is still
 * running: Beam's metrics of a local run are only readable when it has finished (the Flink
 * mini-cluster's and the DirectRunner's workers run in the launcher's JVM, so their increments land
 * here). Remote runners report the same counts as Beam metrics (namespace {@value
 * Ledger#NAMESPACE}); this mirror then stays at zero.
 */
public final class LocalProgress {
  private static final AtomicLong INPUTS = new AtomicLong();
  private static final AtomicLong DONE = new AtomicLong();

  private LocalProgress() {}

  /** Starts a new run's counts (runs in one JVM are sequential). */
  public static void reset() {
    INPUTS.set(0);
    DONE.set(0);
  }

  /** Inputs read so far. */
  public static long inputs() {
    return INPUTS.get();
  }

  /** Inputs accounted for so far: reached the last stage, filtered or dead-lettered. */
  public static long done() {
    return DONE.get();
  }

  /** Whether {@code name} is one of the counters the balance is made of. */
  static boolean isBalanceCounter(String name) {
    return name.equals(Ledger.INPUTS)
        || name.startsWith(Ledger.OUT)
        || name.startsWith(Ledger.FILTERED)
        || name.startsWith(Ledger.DEAD);
  }

  static Counter mirrored(Counter delegate, String name) {
    return new Mirrored(delegate, name.equals(Ledger.INPUTS));
  }

  /** A Beam counter whose increments also reach this JVM's mirror. */
  private static final class Mirrored implements Counter, Serializable {
    private static final long serialVersionUID = 1L;
    private final Counter delegate;
    private final boolean input;

    Mirrored(Counter delegate, boolean input) {
      this.delegate = delegate;
      this.input = input;
    }

    @Override
    public void inc() {
      inc(1);
    }

    @Override
    public void inc(long n) {
      delegate.inc(n);
      (input ? INPUTS : DONE).addAndGet(n);
    }

    @Override
    public void dec() {
      dec(1);
    }

    @Override
    public void dec(long n) {
      delegate.dec(n);
      (input ? INPUTS : DONE).addAndGet(-n);
    }

    @Override
    public MetricName getName() {
      return delegate.getName();
    }
  }
}
