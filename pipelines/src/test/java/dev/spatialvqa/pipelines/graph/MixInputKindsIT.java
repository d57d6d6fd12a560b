package dev.spatialvqa.pipelines.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.values.PCollection;
import org.junit.jupiter.api.Test;

/**
 * The general-mix input kinds: jsonl (bounded; run end to end in MixStageJobIT) and the stream
 * sources shared with ingest (kafka, pubsub; the Kafka source itself runs against a real broker in
 * the ingest tests). Here: each kind builds an unbounded or bounded stream of record texts, and bad
 * specs are usage errors.
 */
class MixInputKindsIT {
  @Test
  void streamKindsBuildUnboundedTextStreams() {
    Pipeline p = Pipeline.create(PipelineOptionsFactory.create());
    PCollection<String> kafka = MixStage.readMixInput(p, "kafka:127.0.0.1:9092/general-mix");
    assertEquals(PCollection.IsBounded.UNBOUNDED, kafka.isBounded());
    Pipeline q = Pipeline.create(PipelineOptionsFactory.create());
    PCollection<String> pubsub =
        MixStage.readMixInput(q, "pubsub:projects/my-project/subscriptions/general-mix");
    assertEquals(PCollection.IsBounded.UNBOUNDED, pubsub.isBounded());
  }

  @Test
  void badSpecsAreUsageErrors() {
    Pipeline p = Pipeline.create(PipelineOptionsFactory.create());
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> MixStage.readMixInput(p, "ftp:somewhere"));
    assertTrue(e.getMessage().contains("kafka"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> MixStage.readMixInput(p, "kafka:no-topic"));
  }
}
