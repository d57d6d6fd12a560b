package dev.spatialvqa.transforms.mix;

import dev.spatialvqa.core.mix.ReasoningFormat;
import dev.spatialvqa.core.mix.TokenCounter;
import dev.spatialvqa.schemas.QaRecord;
import dev.spatialvqa.transforms.errors.Ledger;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Distribution;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.values.KV;

/**
 * Counts the turn tokens of each spatial QA (its chat-formatted text, see {@link
 * TokenCounter#countTurn}; the conversation's image and special tokens are charged by the gate) and
 * keys it for the gate.
 */
final class CountQaTokensFn extends DoFn<QaRecord, KV<String, MixEvent>> {
  private static final long serialVersionUID = 1L;

  private final TokenizerSpec spec;
  private transient TokenCounter counter;
  private transient ReasoningFormat reasoning;
  private final Counter qa = Ledger.counter("mix.qa_produced");
  private final Counter tokens = Ledger.counter("mix.spatial_turn_tokens_produced");
  private final Distribution perQa =
      Metrics.distribution(Ledger.NAMESPACE, "mix.turn_tokens_per_qa");

  CountQaTokensFn(TokenizerSpec spec) {
    this.spec = spec;
  }

  @Setup
  public void setup() {
    counter = spec.open();
    reasoning = spec.reasoning();
  }

  @ProcessElement
  public void process(@Element QaRecord r, OutputReceiver<KV<String, MixEvent>> out) {
    // the assistant text as export writes it (with the reasoning trace when export will add it)
    long t =
        counter.countTurn(
            r.getQuestion(), reasoning.assistant(r.getAnswer(), r.getReasoningTrace()));
    qa.inc();
    tokens.inc(t);
    perQa.update(t);
    out.output(KV.of(MixGate.KEY, MixEvent.spatial(r, t)));
  }

  @Teardown
  public void teardown() {
    if (counter != null) {
      counter.close();
      counter = null;
    }
  }
}
