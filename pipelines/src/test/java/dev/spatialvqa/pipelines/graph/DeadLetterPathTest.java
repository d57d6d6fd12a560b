package dev.spatialvqa.pipelines.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spatialvqa.schemas.DeadLetter;
import dev.spatialvqa.schemas.QaRecord;
import dev.spatialvqa.schemas.SceneRecord;
import dev.spatialvqa.transforms.errors.DeadLetterCollector;
import dev.spatialvqa.transforms.errors.DeadLetters;
import dev.spatialvqa.transforms.errors.RunLedger;
import java.nio.file.Path;
import java.util.List;
import org.apache.beam.sdk.extensions.avro.coders.AvroCoder;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.testing.TestPipelineExtension;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The one dead-letter path: stages register failures, the sink flattens them once, and the ledger
 * checks that what the stages counted as dead letters is what the sink wrote.
 */
class DeadLetterPathTest {
  @RegisterExtension
  final transient TestPipelineExtension pipeline = TestPipelineExtension.create();

  /** Rejects every input; {@code emit} false models a stage that counts but drops its failure. */
  static final class RejectFn extends DoFn<String, DeadLetter> {
    private final boolean emit;

    RejectFn(boolean emit) {
      this.emit = emit;
    }

    @ProcessElement
    public void process(@Element String s, OutputReceiver<DeadLetter> out) {
      DeadLetter d =
          DeadLetters.of(
              "test", "bad_input", "rejected " + s, DeadLetters.ref(s, null, null, null), null);
      if (emit) {
        out.output(d);
      }
    }
  }

  private RunLedger run(TestPipeline p, Path dir, boolean secondStageEmits) {
    DeadLetterCollector dead = new DeadLetterCollector();
    dead.add(
        p.apply("A", Create.of(List.of("a1", "a2")))
            .apply("RejectA", ParDo.of(new RejectFn(true))));
    dead.add(
        p.apply("B", Create.of(List.of("b1")))
            .apply("RejectB", ParDo.of(new RejectFn(secondStageEmits))));
    PCollection<SceneRecord> scenes =
        p.apply("NoScenes", Create.empty(AvroCoder.of(SceneRecord.class)));
    PCollection<QaRecord> qa = p.apply("NoQa", Create.empty(AvroCoder.of(QaRecord.class)));
    SpatialVqaPipeline.write(
        new SpatialVqaPipeline.Outputs(scenes, qa, dead, null, null), dir.toString());
    assertThrows(
        IllegalStateException.class,
        () ->
            dead.add(
                scenes.getPipeline().apply("Late", Create.empty(AvroCoder.of(DeadLetter.class)))));
    return RunLedger.of(p.run(), "scenes");
  }

  @Test
  void everyCountedDeadLetterReachesTheSink(TestPipeline p, @TempDir Path dir) {
    RunLedger ledger = run(p, dir, true);
    assertEquals(3, ledger.deadLettersCounted());
    assertEquals(3, ledger.deadLettersWritten());
    assertTrue(ledger.deadLettersMatch(), ledger.balanceLine());
  }

  @Test
  void aStageThatCountsADeadLetterItDoesNotEmitUnbalancesTheLedger(
      TestPipeline p, @TempDir Path dir) {
    RunLedger ledger = run(p, dir, false);
    assertEquals(3, ledger.deadLettersCounted());
    assertEquals(2, ledger.deadLettersWritten());
    assertFalse(ledger.deadLettersMatch());
    assertFalse(ledger.complete());
    assertTrue(
        ledger.balanceLine().contains("dead letters counted 3 != written 2"), ledger.balanceLine());
  }
}
