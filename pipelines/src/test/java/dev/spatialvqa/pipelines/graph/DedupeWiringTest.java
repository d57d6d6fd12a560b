package dev.spatialvqa.pipelines.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spatialvqa.core.dedupe.DedupeConfig;
import dev.spatialvqa.pipelines.options.SpatialVqaOptions;
import dev.spatialvqa.schemas.DeadLetter;
import dev.spatialvqa.schemas.DuplicateRecord;
import dev.spatialvqa.schemas.Provenance;
import dev.spatialvqa.schemas.QaKind;
import dev.spatialvqa.schemas.QaRecord;
import dev.spatialvqa.schemas.SceneRecord;
import dev.spatialvqa.transforms.dedupe.DedupeQaTexts;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.beam.sdk.extensions.avro.coders.AvroCoder;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.testing.TestPipelineExtension;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The pipeline's dedupe step and its OUTPUT/duplicates sink, with the real MiniLM model. */
class DedupeWiringTest {
  @RegisterExtension
  final transient TestPipelineExtension pipeline = TestPipelineExtension.create();

  static QaRecord qa(String id, String scene, String question, String answer) {
    return QaRecord.newBuilder()
        .setQaId(id)
        .setSceneId(scene)
        .setImageUri("file:///" + scene + ".jpg")
        .setQuestion(question)
        .setAnswer(answer)
        .setQuestionType("distance")
        .setKind(QaKind.quantitative)
        .setObjectIds(List.of("1", "2"))
        .setObjectRefs(List.of("the chair", "the table"))
        .setTemplateId("distance/q0")
        .setProvenance(Provenance.newBuilder().setEngineVersion("test").build())
        .build();
  }

  /**
   * A bounded run: one QA delivered twice (a re-crawled image gives the same content-hash id) and a
   * near-identical QA of another scene. Arrival order is the runner's, so only order-free facts are
   * asserted: the repeat is dropped, nothing is lost, every drop names a kept or earlier element.
   */
  @Test
  void duplicatesAreWrittenToTheDuplicatesFolderAndNothingIsLost(TestPipeline p, @TempDir Path dir)
      throws Exception {
    QaRecord q1 = qa("q1", "scene-1", "How far is the chair from the table?", "About 1.5 meters.");
    List<QaRecord> qas =
        List.of(
            q1,
            QaRecord.newBuilder(q1).build(),
            qa("q2", "scene-2", "How far is the chair from the table?", "About 1.5 meters."),
            qa("q3", "scene-2", "Is the lamp above the bed?", "No."));
    SpatialVqaPipeline.Config cfg =
        SpatialVqaPipeline.Config.defaults().withDedupe(DedupeConfig.defaults());

    PCollection<QaRecord> in =
        p.apply("Qa", Create.of(qas).withCoder(AvroCoder.of(QaRecord.class)));
    PCollectionTuple deduped = SpatialVqaPipeline.dedupeQa(in, cfg);
    SpatialVqaPipeline.write(
        new SpatialVqaPipeline.Outputs(
            p.apply("NoScenes", Create.empty(AvroCoder.of(SceneRecord.class))),
            deduped.get(DedupeQaTexts.KEPT),
            dev.spatialvqa.transforms.errors.DeadLetterCollector.of(
                p.apply("NoDeadLetters", Create.empty(AvroCoder.of(DeadLetter.class)))),
            null,
            deduped.get(DedupeQaTexts.DUPLICATES)),
        dir.toString());
    p.run().waitUntilFinish();

    List<String> kept =
        Outputs.read(dir.resolve("qa"), QaRecord.class).stream()
            .map(QaRecord::getQaId)
            .sorted()
            .collect(Collectors.toList());
    List<DuplicateRecord> dups = Outputs.read(dir.resolve("duplicates"), DuplicateRecord.class);
    assertEquals(4, kept.size() + dups.size(), kept + " " + dups);
    assertEquals(1, kept.stream().filter("q1"::equals).count(), kept.toString());
    assertTrue(kept.contains("q3"), kept.toString());
    assertTrue(
        dups.stream()
            .anyMatch(d -> d.getReason().equals("repeated_id") && d.getDroppedId().equals("q1")),
        dups.toString());
    for (DuplicateRecord d : dups) {
      assertEquals("qa", d.getKind());
      assertTrue(d.getSimilarity() > cfg.dedupe().threshold(), d.toString());
      assertTrue(Set.of("q1", "q2").contains(d.getKeptId()), d.toString());
    }
  }

  @Test
  void optionsBecomeADedupeConfigAndBadValuesAreNamed() {
    SpatialVqaOptions o =
        JobRunner.options(
            List.of(
                "--input=manifest:m.jsonl",
                "--output=out",
                "--dedupeQaText=true",
                "--dedupeWindow=sliding",
                "--dedupeWindowSeconds=120",
                "--dedupeThreshold=0.95",
                "--dedupeBands=4",
                "--dedupeBitsPerBand=5",
                "--dedupeMaxKeptPerKey=16",
                "--embedder=minilm:8"));

    DedupeConfig c = SpatialVqaPipeline.Config.from(o).dedupe();

    assertEquals(DedupeConfig.WindowKind.SLIDING, c.windowKind());
    assertEquals(Duration.ofSeconds(120), c.windowSize());
    assertEquals(0.95, c.threshold());
    assertEquals(4, c.bands());
    assertEquals(5, c.bitsPerBand());
    assertEquals(16, c.maxKeptPerKey());
    assertEquals("minilm:8", c.embedder());

    SpatialVqaOptions off =
        JobRunner.options(List.of("--input=manifest:m", "--output=o", "--dedupe=false"));
    assertEquals(null, SpatialVqaPipeline.Config.from(off).dedupe());
    assertEquals(null, SpatialVqaPipeline.Config.from(off).sceneDedupe());
    SpatialVqaOptions scenes =
        JobRunner.options(
            List.of(
                "--input=manifest:m",
                "--output=o",
                "--dedupeTtl=2d",
                "--dedupeMaxHamming=6",
                "--dedupeClipThreshold=0.9",
                "--dedupeClipBands=12",
                "--dedupeClipBitsPerBand=7",
                "--dedupeSceneMaxKeptPerKey=99"));
    dev.spatialvqa.core.dedupe.ImageDedupeConfig sc =
        SpatialVqaPipeline.Config.from(scenes).sceneDedupe();
    assertEquals(Duration.ofDays(2), sc.ttl());
    assertEquals(6, sc.maxHammingDistance());
    assertEquals(0.9, sc.clipThreshold());
    assertEquals(12, sc.bands());
    assertEquals(7, sc.bitsPerBand());
    assertEquals(99, sc.maxKeptPerKey());
    assertEquals(null, SpatialVqaPipeline.Config.from(scenes).dedupe());
    SpatialVqaOptions badH =
        JobRunner.options(List.of("--input=manifest:m", "--output=o", "--dedupeMaxHamming=20"));
    IllegalArgumentException eh =
        assertThrows(IllegalArgumentException.class, () -> SpatialVqaPipeline.Config.from(badH));
    assertTrue(eh.getMessage().contains("20"), eh.getMessage());

    SpatialVqaOptions bad =
        JobRunner.options(
            List.of(
                "--input=manifest:m", "--output=o", "--dedupeQaText", "--dedupeWindow=tumbling"));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> SpatialVqaPipeline.Config.from(bad));
    assertTrue(e.getMessage().contains("tumbling"), e.getMessage());
    SpatialVqaOptions badT =
        JobRunner.options(
            List.of("--input=manifest:m", "--output=o", "--dedupeQaText", "--dedupeThreshold=1.5"));
    e = assertThrows(IllegalArgumentException.class, () -> SpatialVqaPipeline.Config.from(badT));
    assertTrue(e.getMessage().contains("1.5"), e.getMessage());
  }
}
