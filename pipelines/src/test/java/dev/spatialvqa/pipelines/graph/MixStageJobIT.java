package dev.spatialvqa.pipelines.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spatialvqa.core.mix.ShareRatio;
import dev.spatialvqa.core.mix.TokenCounter;
import dev.spatialvqa.pipelines.options.SpatialVqaOptions;
import dev.spatialvqa.schemas.DeadLetter;
import dev.spatialvqa.schemas.MixAccounting;
import dev.spatialvqa.schemas.QaRecord;
import dev.spatialvqa.schemas.SceneRecord;
import dev.spatialvqa.transforms.errors.RunLedger;
import dev.spatialvqa.transforms.mix.MixFixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.transforms.Create;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job's mix stage: the whole job on the bundled scenes with a general mix, and the mix stage
 * through its seam (fixture QA in place of the scene graph's, through {@link
 * SpatialVqaPipeline#mix} and the job's real sinks, then the post-run mixture manifest as {@link
 * JobRunner} does for a bounded run).
 */
class MixStageJobIT {
  static final int QA_COUNT = 60;

  /** Runs the mix stage and the sinks on {@code QA_COUNT} QA; returns the run's ledger. */
  static RunLedger runMixStage(List<String> args) throws Exception {
    SpatialVqaOptions o = JobRunner.options(args);
    Pipeline p = Pipeline.create(o);
    List<QaRecord> qa = new ArrayList<>();
    for (int i = 0; i < QA_COUNT; i++) {
      qa.add(MixFixtures.qa(i));
    }
    SpatialVqaPipeline.Outputs in =
        new SpatialVqaPipeline.Outputs(
            // the coders the job's own stages get (the project's registrar), so that the Flink
            // batch union of dead letters sees what the real graph gives it
            p.apply("Scenes", Create.empty(p.getCoderRegistry().getCoder(SceneRecord.class))),
            p.apply("Qa", Create.of(qa).withCoder(p.getCoderRegistry().getCoder(QaRecord.class))),
            p.apply("Dead", Create.empty(p.getCoderRegistry().getCoder(DeadLetter.class))));
    SpatialVqaPipeline.write(SpatialVqaPipeline.mix(in, o), o.getOutput());
    PipelineResult r = p.run();
    assertEquals(PipelineResult.State.DONE, r.waitUntilFinish());
    MixStage.writeMixture(o);
    return RunLedger.of(r, "scenes");
  }

  /** Tokens of QA grouped per image into conversations, as the gate charges them by default. */
  static long conversationTokens(List<QaRecord> qa, TokenCounter c) {
    java.util.Map<String, List<String[]>> byImage = new java.util.TreeMap<>();
    for (QaRecord q : qa) {
      byImage
          .computeIfAbsent(q.getImageUri(), k -> new ArrayList<>())
          .add(new String[] {q.getQuestion(), q.getAnswer()});
    }
    long t = 0;
    for (List<String[]> turns : byImage.values()) {
      t += c.countConversation(turns, 1);
    }
    return t;
  }

  @Test
  void generalMixHoldsTheShareAndWritesQaReserveAccountingAndMixture(@TempDir Path dir)
      throws Exception {
    Path mix = dir.resolve("general.jsonl");
    Files.write(
        mix,
        List.of(
            "{\"num_tokens\": 40000, \"source\": \"web\"}",
            "{\"num_tokens\": 20000}",
            "",
            "{\"text\": \"A general caption about a street at night.\", \"images\": 1}",
            "{\"oops\": true}"));
    Path out = dir.resolve("out");
    // the whole job on the bundled real scenes (plus bad manifest lines), as `run` does it
    RunLedger ledger =
        JobRunner.run(
            JobRunner.options(
                List.of(
                    "--input=manifest:" + Fixtures.manifestWithBadLines(dir),
                    "--output=" + out,
                    "--runner=DirectRunner",
                    "--mixInput=jsonl:" + mix,
                    "--imageTokens=576")),
            false,
            new java.io.PrintStream(new java.io.ByteArrayOutputStream()));
    assertTrue(
        ledger.balanced(),
        "general-mix dead letters stay out of the scene ledger: " + ledger.balanceLine());

    List<QaRecord> qa = Outputs.read(out.resolve("qa"), QaRecord.class);
    List<QaRecord> reserve = Outputs.read(out.resolve("reserve"), QaRecord.class);
    List<MixAccounting> acc = Outputs.read(out.resolve("accounting"), MixAccounting.class);
    long produced = ledger.get("mix.qa_produced");
    assertTrue(produced > 40, "the two scenes give more QA than the budget admits: " + produced);
    assertEquals(ledger.get("records.qa"), qa.size(), "the QA sink counts what was admitted");
    assertFalse(qa.isEmpty());
    assertFalse(reserve.isEmpty());
    assertEquals(produced, qa.size() + reserve.size());
    Set<String> ids = new HashSet<>();
    qa.forEach(q -> ids.add(q.getQaId()));
    reserve.forEach(
        q -> assertTrue(ids.add(q.getQaId()), "in both qa and reserve: " + q.getQaId()));

    // one bounded window (no event times) + the end-of-input hand-over of the waiting QA
    assertEquals(2, acc.size(), acc.toString());
    MixAccounting w =
        acc.stream().filter(a -> a.getRecordKind().equals("window")).findFirst().orElseThrow();
    long captionTokens;
    long admittedTokens;
    long exportedTokens = 0;
    // the real export command on the run, re-counted with the same tokenizer
    Path train = dir.resolve("train.jsonl");
    assertEquals(
        0,
        dev.spatialvqa.pipelines.cli.Main.run(
            List.of("export", "--format=messages", "--input=" + out, "--output=" + train),
            new java.io.PrintStream(new java.io.ByteArrayOutputStream()),
            new java.io.PrintStream(new java.io.ByteArrayOutputStream())));
    try (TokenCounter c = TokenCounter.loadDefault(576)) {
      captionTokens = c.countGeneral("A general caption about a street at night.", 1);
      admittedTokens = conversationTokens(qa, c);
      List<MixExportAccountingTest.Conversation> convs =
          MixExportAccountingTest.readMessages(train);
      exportedTokens = MixExportAccountingTest.recount(convs, c);
      assertEquals(
          qa.stream().map(QaRecord::getImageUri).distinct().count(),
          convs.size(),
          "one conversation per image");
    }
    assertEquals(admittedTokens, exportedTokens, "export writes exactly what was charged");
    assertEquals(60_000 + captionTokens, w.getGeneralTokens());
    assertEquals(3, w.getGeneralRecords());
    assertEquals(
        admittedTokens, w.getSpatialTokensAdmitted(), "accounting matches the admitted shards");
    assertTrue(ShareRatio.of(1, 20).within(w.getSpatialTokensAdmitted(), w.getGeneralTokens()));
    assertNull(w.getWindowStart());

    List<DeadLetter> dead = Outputs.read(out.resolve("deadletters"), DeadLetter.class);
    assertTrue(dead.stream().anyMatch(d -> d.getReason().equals("mix_no_tokens")), dead.toString());
    assertEquals(1, ledger.get("mix.dead.mix_no_tokens"));

    JsonNode m = new ObjectMapper().readTree(out.resolve("mixture.json").toFile());
    assertEquals("1/20", m.get("target_share_exact").asText());
    assertTrue(m.get("gated").asBoolean());
    JsonNode spatial = m.get("sources").get(0);
    assertEquals(qa.size(), spatial.get("records").asLong());
    assertEquals(admittedTokens, spatial.get("tokens").asLong());
    assertTrue(spatial.get("shards").get(0).asText().startsWith("qa/part-"));
    assertEquals(0.05, spatial.get("token_weight").asDouble(), 0.0);
    assertTrue(spatial.get("epochs_per_general_epoch").asDouble() >= 1.0);
    JsonNode general = m.get("sources").get(1);
    assertEquals(mix.toString(), general.get("shards").get(0).asText());
    assertEquals(0.95, general.get("token_weight").asDouble(), 1e-12);
    assertEquals(reserve.size(), m.get("reserve").get("records").asLong());
    assertEquals(0, m.get("general_tokens_needed").asLong());
  }

  @Test
  void withoutGeneralMixEveryQaIsAdmittedAndTheNeedIsReported(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("out");
    Path tokenizer = dir.resolve("my-vlm-tokenizer.json");
    Files.write(tokenizer, TokenCounter.defaultTokenizerJson());
    RunLedger ledger =
        runMixStage(
            List.of(
                "--input=manifest:unused",
                "--output=" + out,
                "--runner=DirectRunner",
                "--tokenizer=" + tokenizer,
                "--chatFormat=chatml",
                "--imageTokens=0",
                "--spatialShare=1/10"));
    List<QaRecord> qa = Outputs.read(out.resolve("qa"), QaRecord.class);
    assertEquals(ledger.get("mix.qa_produced"), qa.size());
    assertTrue(Outputs.read(out.resolve("reserve"), QaRecord.class).isEmpty());
    List<MixAccounting> acc = Outputs.read(out.resolve("accounting"), MixAccounting.class);
    assertEquals(1, acc.size());
    assertFalse(acc.get(0).getGated());
    assertTrue(
        acc.get(0).getTokenizer().startsWith("my-vlm-tokenizer.json@"), acc.get(0).getTokenizer());
    assertEquals("chatml", acc.get(0).getChatFormat());
    long expected;
    try (TokenCounter c =
        TokenCounter.load(
            "t",
            Files.readAllBytes(tokenizer),
            dev.spatialvqa.core.mix.ChatFormat.of("chatml"),
            0,
            true)) {
      expected = conversationTokens(qa, c);
    }
    assertEquals(expected, acc.get(0).getSpatialTokensAdmitted());
    assertEquals(9 * acc.get(0).getSpatialTokensAdmitted(), acc.get(0).getGeneralTokensNeeded());
    JsonNode m = new ObjectMapper().readTree(out.resolve("mixture.json").toFile());
    assertEquals(
        9 * acc.get(0).getSpatialTokensAdmitted(), m.get("general_tokens_needed").asLong());
    assertEquals(0, m.get("sources").get(1).get("shards").size());
  }

  @Test
  void flinkBatchAdmitsExactlyWhatTheDirectRunnerAdmits(@TempDir Path dir) throws Exception {
    Path mix = dir.resolve("general.jsonl");
    Files.write(mix, List.of("{\"num_tokens\": 150000}", "{\"num_tokens\": 150000}"));
    Path direct = dir.resolve("direct");
    Path flink = dir.resolve("flink");
    runMixStage(
        List.of(
            "--input=manifest:unused",
            "--output=" + direct,
            "--runner=DirectRunner",
            "--mixInput=jsonl:" + mix));
    RunLedger f =
        runMixStage(
            List.of(
                "--input=manifest:unused",
                "--output=" + flink,
                "--runner=FlinkRunner",
                "--flinkMaster=[local]",
                "--parallelism=2",
                "--mixInput=jsonl:" + mix));
    Set<QaRecord> dq = Set.copyOf(Outputs.read(direct.resolve("qa"), QaRecord.class));
    Set<QaRecord> fq = Set.copyOf(Outputs.read(flink.resolve("qa"), QaRecord.class));
    assertFalse(dq.isEmpty());
    assertEquals(dq, fq);
    assertEquals(
        Set.copyOf(Outputs.read(direct.resolve("reserve"), QaRecord.class)),
        Set.copyOf(Outputs.read(flink.resolve("reserve"), QaRecord.class)));
    assertEquals(
        QA_COUNT, fq.size() + Outputs.read(flink.resolve("reserve"), QaRecord.class).size());
    assertEquals(
        Set.copyOf(Outputs.read(direct.resolve("accounting"), MixAccounting.class)),
        Set.copyOf(Outputs.read(flink.resolve("accounting"), MixAccounting.class)));
    assertEquals(QA_COUNT, f.get("mix.qa_produced"));
  }
}
