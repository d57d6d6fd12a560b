package dev.spatialvqa.pipelines.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spatialvqa.pipelines.options.SpatialVqaOptions;
import dev.spatialvqa.schemas.MixAccounting;
import dev.spatialvqa.schemas.QaRecord;
import dev.spatialvqa.transforms.mix.MixFixtures;
import dev.spatialvqa.transforms.sink.WriteAvro;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.extensions.avro.coders.AvroCoder;
import org.apache.beam.sdk.testing.TestStream;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TimestampedValue;
import org.joda.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The mix stage on an unbounded QA stream with the job's windowed Avro sinks: a QA that arrives
 * after its window was decided, while the watermark is far ahead, is still written (the gate's
 * decision for it fires behind the watermark).
 */
class MixStageStreamingTest {
  @Test
  void lateQaIsWrittenNotDroppedByTheWindowedSinks(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("out");
    SpatialVqaOptions o =
        JobRunner.options(
            List.of("--input=manifest:unused", "--output=" + out, "--runner=DirectRunner"));
    Pipeline p = Pipeline.create(o);
    TestStream<QaRecord> stream =
        TestStream.create(AvroCoder.specific(QaRecord.class))
            .addElements(
                TimestampedValue.of(MixFixtures.qa(1), new Instant(10_000)),
                TimestampedValue.of(MixFixtures.qa(2), new Instant(20_000)))
            .advanceWatermarkTo(new Instant(1_000_000))
            .addElements(TimestampedValue.of(MixFixtures.qa(3), new Instant(30_000)))
            .advanceWatermarkToInfinity();
    PCollection<QaRecord> qa = p.apply("Qa", stream);
    var mixed = MixStage.apply(qa, o);
    MixStage.writeSideOutputs(mixed, o.getOutput(), o);
    MixStage.windowed(mixed.admitted(), o, "WindowAdmitted")
        .apply("WriteQa", WriteAvro.of(QaRecord.class, WriteAvro.child(o.getOutput(), "qa")));
    assertEquals(PipelineResult.State.DONE, p.run().waitUntilFinish());

    Set<String> ids = new HashSet<>();
    for (QaRecord r : Outputs.read(out.resolve("qa"), QaRecord.class)) {
      ids.add(r.getQaId());
    }
    assertEquals(Set.of("qa-00001", "qa-00002", "qa-00003"), ids);
    List<MixAccounting> acc = Outputs.read(out.resolve("accounting"), MixAccounting.class);
    assertEquals(2, acc.size(), acc.toString());
    long admitted = acc.stream().mapToLong(MixAccounting::getQaAdmitted).sum();
    assertEquals(3, admitted);
    assertTrue(acc.stream().anyMatch(a -> a.getWindowStart() == 60_000L && a.getQaProduced() == 1));
  }
}
