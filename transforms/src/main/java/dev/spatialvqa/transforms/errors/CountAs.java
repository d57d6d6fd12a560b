package dev.spatialvqa.transforms.errors;

import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;

/**
 * Passes elements through, counting each under a ledger counter name (e.g. {@code out.scenes} for
 * the run's last per-input stage, {@code records.qa} before a sink). The pipeline graph decides
 * which stage is last, so stages themselves never count their outputs as final.
 */
public final class CountAs<T> extends PTransform<PCollection<T>, PCollection<T>> {
  private final String counter;

  private CountAs(String counter) {
    this.counter = counter;
  }

  public static <T> CountAs<T> counter(String name) {
    return new CountAs<>(name);
  }

  @Override
  public PCollection<T> expand(PCollection<T> input) {
    return input.apply("Count", ParDo.of(new CountFn<T>(counter))).setCoder(input.getCoder());
  }

  static final class CountFn<T> extends DoFn<T, T> {
    private final String name;
    private transient Counter counter;

    CountFn(String name) {
      this.name = name;
    }

    @Setup
    public void setup() {
      counter = Ledger.counter(name);
    }

    @ProcessElement
    public void process(@Element T e, OutputReceiver<T> out) {
      counter.inc();
      out.output(e);
    }
  }
}
