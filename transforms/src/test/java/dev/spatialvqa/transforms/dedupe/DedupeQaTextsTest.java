package dev.spatialvqa.transforms.dedupe;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.spatialvqa.core.dedupe.DedupeConfig;
import dev.spatialvqa.schemas.DuplicateRecord;
import dev.spatialvqa.schemas.Provenance;
import dev.spatialvqa.schemas.QaKind;
import dev.spatialvqa.schemas.QaRecord;
import java.util.List;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.extensions.avro.coders.AvroCoder;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.testing.TestPipelineExtension;
import org.apache.beam.sdk.testing.TestStream;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TimestampedValue;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.joda.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Dedupe with the real MiniLM model (from the Maven jar). */
class DedupeQaTextsTest {
  @RegisterExtension
  final transient TestPipelineExtension pipeline = TestPipelineExtension.create();

  private static final TupleTag<String> CAPTIONS = new TupleTag<String>("captions") {};
  private static final DedupeConfig CONFIG = DedupeConfig.defaults().withThreshold(0.9);

  @Test
  void paraphrasedCaptionsCollapseAndDifferentObjectsDoNot(TestPipeline p) {
    TestStream<String> s =
        TestStream.create(StringUtf8Coder.of())
            .addElements(TimestampedValue.of("a wooden chair", new Instant(1000)))
            .addElements(
                TimestampedValue.of("wooden chair", new Instant(2000)),
                TimestampedValue.of("a red mug", new Instant(3000)))
            .addElements(TimestampedValue.of("a laptop", new Instant(4000)))
            .advanceWatermarkToInfinity();

    PCollectionTuple out =
        p.apply("Captions", s)
            .apply(
                "EmbedCaptions",
                ParDo.of(new DedupeQaTexts.EmbedTextFn<String>("minilm", c -> c, c -> c)))
            .setCoder(Embedded.EmbeddedCoder.of(StringUtf8Coder.of()))
            .apply(
                "DedupeQaTexts",
                DedupeEmbeddings.of("caption", CONFIG, StringUtf8Coder.of(), CAPTIONS));

    PAssert.that(out.get(CAPTIONS)).containsInAnyOrder("a wooden chair", "a red mug", "a laptop");
    PAssert.that(out.get(DedupeEmbeddings.DUPLICATES))
        .satisfies(
            ds -> {
              DuplicateRecord d = ds.iterator().next();
              assertEquals("wooden chair", d.getDroppedId());
              assertEquals("a wooden chair", d.getKeptId());
              assertEquals(1, ((java.util.Collection<?>) ds).size());
              return null;
            });
    p.run().waitUntilFinish();
  }

  static QaRecord qa(String id, String scene, String question, String answer, String... refs) {
    return QaRecord.newBuilder()
        .setQaId(id)
        .setSceneId(scene)
        .setImageUri("file:///img/" + id + ".jpg")
        .setQuestion(question)
        .setAnswer(answer)
        .setQuestionType("distance")
        .setKind(QaKind.quantitative)
        .setObjectIds(List.of("o1", "o2"))
        .setObjectRefs(List.of(refs))
        .setTemplateId("distance/q0")
        .setProvenance(Provenance.newBuilder().setEngineVersion("test").build())
        .build();
  }

  @Test
  void qaFromARecrawledImageIsDroppedAndOthersKept(TestPipeline p) {
    QaRecord original =
        qa(
            "q1",
            "scene-a",
            "How far is the wooden chair from the table?",
            "About 1.2 meters.",
            "the wooden chair",
            "the table");
    QaRecord sameScene =
        qa(
            "q4",
            "scene-a",
            "What is the distance between the wooden chair and the table?",
            "About 1.2 meters.",
            "the wooden chair",
            "the table");
    QaRecord recrawl =
        qa(
            "q2",
            "scene-b",
            "How far is the wooden chair from the table?",
            "Roughly 1.2 meters.",
            "the wooden chair",
            "the table");
    QaRecord other =
        qa(
            "q3",
            "scene-c",
            "Is the red mug to the left of the laptop?",
            "Yes, it is.",
            "the red mug",
            "the laptop");
    TestStream<QaRecord> s =
        TestStream.create(AvroCoder.of(QaRecord.class))
            .addElements(TimestampedValue.of(original, new Instant(1000)))
            .addElements(TimestampedValue.of(sameScene, new Instant(1500)))
            .addElements(
                TimestampedValue.of(recrawl, new Instant(2000)),
                TimestampedValue.of(other, new Instant(3000)))
            .advanceWatermarkToInfinity();

    PCollectionTuple out = p.apply("Qa", s).apply("DedupeQaTexts", DedupeQaTexts.of(CONFIG));

    PCollection<String> keptIds =
        out.get(DedupeQaTexts.KEPT)
            .apply("KeptIds", MapElements.into(TypeDescriptors.strings()).via(QaRecord::getQaId));
    // q4 paraphrases q1 but asks about the same scene: a different question, never a duplicate
    PAssert.that(keptIds).containsInAnyOrder("q1", "q3", "q4");
    PCollection<String> dropped =
        out.get(DedupeQaTexts.DUPLICATES)
            .apply(
                "Dropped",
                MapElements.into(TypeDescriptors.strings())
                    .via((DuplicateRecord d) -> d.getKind() + ":" + d.getDroppedId()));
    PAssert.that(dropped).containsInAnyOrder("qa:q2");
    p.run().waitUntilFinish();
  }
}
