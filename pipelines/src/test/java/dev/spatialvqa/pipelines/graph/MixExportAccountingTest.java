package dev.spatialvqa.pipelines.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spatialvqa.core.mix.ShareRatio;
import dev.spatialvqa.core.mix.TokenCounter;
import dev.spatialvqa.pipelines.cli.Main;
import dev.spatialvqa.pipelines.options.SpatialVqaOptions;
import dev.spatialvqa.schemas.DeadLetter;
import dev.spatialvqa.schemas.MixAccounting;
import dev.spatialvqa.schemas.Provenance;
import dev.spatialvqa.schemas.QaKind;
import dev.spatialvqa.schemas.QaRecord;
import dev.spatialvqa.schemas.SceneRecord;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.transforms.Create;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15, item 13: the mix gate charges what {@code export} writes. The job's mix stage (fixture
 * QA through {@link SpatialVqaPipeline#mix}, the real sinks and mixture.json, on the DirectRunner),
 * then the real {@code export} command; the exported file is re-counted with the same tokenizer and
 * must hold exactly the tokens the gate charged, at the target share within the gate's tolerance.
 */
class MixExportAccountingTest {
  static final int IMAGES = 3;
  static final int QA_PER_IMAGE = 52;
  static final long GENERAL = 57_000; // 1/20 budget: 3000 spatial tokens, ~1.5 of 3 images

  private final ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
  private final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();

  static QaRecord qa(int image, int k) {
    String q = "How far is object " + k + " from the table" + " by the window".repeat(k % 3) + "?";
    String a = "Object " + k + " is " + (1 + k % 5) + "." + (k % 10) + " meters from the table.";
    return QaRecord.newBuilder()
        .setQaId(String.format("qa-%d-%03d", image, k))
        .setSceneId("scene-" + image)
        .setImageUri("file:///scenes/" + image + ".jpg")
        .setQuestion(q)
        .setAnswer(a)
        .setQuestionType("distance")
        .setKind(QaKind.quantitative)
        .setObjectIds(List.of("o" + k, "table"))
        .setTemplateId("distance/q0")
        .setProvenance(Provenance.newBuilder().setEngineVersion("test").build())
        .build();
  }

  /** The mix stage and the job's sinks on 3 images x 52 QA, then mixture.json. */
  static void runMixStage(Path out, Path general, String... extra) throws Exception {
    runMixStage(out, general, false, extra);
  }

  /**
   * A multi-step-like QA: a reasoning trace on every third record (the others have none, as
   * single-step types).
   */
  static QaRecord withTrace(QaRecord r, int k) {
    if (k % 3 != 0) {
      return r;
    }
    return QaRecord.newBuilder(r)
        .setReasoningTrace(
            "Object "
                + k
                + " is about "
                + (1 + k % 5)
                + " meters from the door. The table is"
                + " about 2 meters from the door. So the path adds up.")
        .build();
  }

  static void runMixStage(Path out, Path general, boolean traces, String... extra)
      throws Exception {
    List<String> args = new ArrayList<>();
    args.add("--input=manifest:unused");
    args.add("--output=" + out);
    args.add("--runner=DirectRunner");
    args.add("--mixInput=jsonl:" + general);
    args.addAll(List.of(extra));
    SpatialVqaOptions o = JobRunner.options(args);
    Pipeline p = Pipeline.create(o);
    List<QaRecord> qa = new ArrayList<>();
    for (int i = 0; i < IMAGES; i++) {
      for (int k = 0; k < QA_PER_IMAGE; k++) {
        qa.add(traces ? withTrace(qa(i, k), k) : qa(i, k));
      }
    }
    SpatialVqaPipeline.Outputs in =
        new SpatialVqaPipeline.Outputs(
            p.apply("Scenes", Create.empty(p.getCoderRegistry().getCoder(SceneRecord.class))),
            p.apply("Qa", Create.of(qa).withCoder(p.getCoderRegistry().getCoder(QaRecord.class))),
            p.apply("Dead", Create.empty(p.getCoderRegistry().getCoder(DeadLetter.class))));
    SpatialVqaPipeline.write(SpatialVqaPipeline.mix(in, o), o.getOutput());
    assertEquals(PipelineResult.State.DONE, p.run().waitUntilFinish());
    MixStage.writeMixture(o);
  }

  static Path general(Path dir) throws Exception {
    Path mix = dir.resolve("general.jsonl");
    Files.write(mix, List.of("{\"num_tokens\": " + GENERAL + "}"));
    return mix;
  }

  int export(String... args) throws Exception {
    outBytes.reset();
    errBytes.reset();
    List<String> a = new ArrayList<>();
    a.add("export");
    a.addAll(List.of(args));
    return Main.run(
        a,
        new PrintStream(outBytes, true, StandardCharsets.UTF_8),
        new PrintStream(errBytes, true, StandardCharsets.UTF_8));
  }

  String err() {
    return errBytes.toString(StandardCharsets.UTF_8);
  }

  /** One exported conversation: its turns ({question, answer}) and image placeholders. */
  record Conversation(List<String[]> turns, int images, String image) {}

  static List<Conversation> readMessages(Path file) throws Exception {
    ObjectMapper json = new ObjectMapper();
    List<Conversation> out = new ArrayList<>();
    for (String line : Files.readAllLines(file)) {
      JsonNode c = json.readTree(line);
      List<String[]> turns = new ArrayList<>();
      int images = 0;
      JsonNode msgs = c.get("messages");
      for (int i = 0; i < msgs.size(); i += 2) {
        String q = null;
        for (JsonNode part : msgs.get(i).get("content")) {
          if (part.get("type").asText().equals("image")) {
            images++;
          } else {
            q = part.get("text").asText();
          }
        }
        assertEquals("assistant", msgs.get(i + 1).get("role").asText());
        turns.add(new String[] {q, msgs.get(i + 1).get("content").get(0).get("text").asText()});
      }
      assertEquals(images, c.get("images").size());
      out.add(new Conversation(turns, images, c.get("images").get(0).asText()));
    }
    return out;
  }

  static List<Conversation> readLlava(Path file) throws Exception {
    List<Conversation> out = new ArrayList<>();
    for (JsonNode c : new ObjectMapper().readTree(file.toFile())) {
      List<String[]> turns = new ArrayList<>();
      int images = 0;
      JsonNode conv = c.get("conversations");
      for (int i = 0; i < conv.size(); i += 2) {
        String q = conv.get(i).get("value").asText();
        if (q.startsWith("<image>\n")) {
          images++;
          q = q.substring("<image>\n".length());
        }
        turns.add(new String[] {q, conv.get(i + 1).get("value").asText()});
      }
      out.add(new Conversation(turns, images, c.get("image").asText()));
    }
    return out;
  }

  /** Tokens of the exported conversations, re-counted from their whole text. */
  static long recount(List<Conversation> convs, TokenCounter c) {
    long t = 0;
    for (Conversation x : convs) {
      long whole = c.countConversationText(x.turns(), x.images());
      assertEquals(c.countConversation(x.turns(), x.images()), whole, "per turn = whole text");
      t += whole;
    }
    return t;
  }

  static long charged(Path out) throws Exception {
    long t = 0;
    for (MixAccounting a : Outputs.read(out.resolve("accounting"), MixAccounting.class)) {
      t += a.getSpatialTokensAdmitted();
    }
    return t;
  }

  @Test
  void perImageExportHoldsExactlyTheChargedTokensAtTheShare(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("out");
    runMixStage(out, general(dir));
    JsonNode m = new ObjectMapper().readTree(out.resolve("mixture.json").toFile());
    assertEquals("per_image", m.get("layout").asText());
    assertEquals(576, m.get("image_tokens_per_conversation").asInt());
    assertEquals(2, m.get("special_tokens_per_conversation").asInt());
    assertEquals(4, m.get("template_tokens_per_turn").asInt());
    long spatial = m.get("spatial_tokens").asLong();
    assertEquals(charged(out), spatial, "mixture.json sums the accounting");
    assertEquals(GENERAL, m.get("general_tokens").asLong());

    List<QaRecord> admitted = Outputs.read(out.resolve("qa"), QaRecord.class);
    TreeMap<String, Set<String>> admittedByImage = new TreeMap<>();
    admitted.forEach(
        q ->
            admittedByImage
                .computeIfAbsent(q.getImageUri(), k -> new TreeSet<>())
                .add(q.getQuestion()));
    assertEquals(2, admittedByImage.size(), "one image whole, one in part, one not at all");
    int partial = admittedByImage.lastEntry().getValue().size();
    assertTrue(partial > 0 && partial < QA_PER_IMAGE, "a partial conversation: " + partial);
    assertEquals(2, m.get("conversations").asLong());
    assertEquals(admitted.size(), m.get("turns").asLong());

    Path jsonl = dir.resolve("train.jsonl");
    Path llava = dir.resolve("llava.json");
    assertEquals(0, export("--format=messages", "--input=" + out, "--output=" + jsonl), err());
    assertEquals(0, export("--format=llava", "--input=" + out, "--output=" + llava), err());
    try (TokenCounter c = TokenCounter.loadDefault(576)) {
      for (List<Conversation> convs : List.of(readMessages(jsonl), readLlava(llava))) {
        assertEquals(2, convs.size());
        for (Conversation x : convs) {
          assertEquals(1, x.images(), "the image once per conversation");
          Set<String> qs = new TreeSet<>();
          x.turns().forEach(t -> qs.add(t[0]));
          assertEquals(admittedByImage.get(x.image()), qs, "exactly the admitted turns");
        }
        assertEquals(spatial, recount(convs, c), "exported tokens = charged tokens, within 0");
      }
    }
    double share = m.get("spatial_share").asDouble();
    double tolerance = m.get("share_tolerance").asDouble();
    assertEquals(spatial / (double) (spatial + GENERAL), share, 0.0);
    assertTrue(ShareRatio.of(1, 20).within(spatial, GENERAL), "never above the target");
    assertTrue(share <= 0.05 && share >= 0.05 - tolerance, share + " tol " + tolerance);
    assertTrue(tolerance < 0.001, "within one turn's tokens: " + tolerance);
    System.out.println(
        "per_image: spatial_tokens="
            + spatial
            + " conversations=2 turns="
            + admitted.size()
            + " spatial_share="
            + share
            + " share_tolerance="
            + tolerance);
  }

  @Test
  void exportRefusesALayoutTheRunDidNotAccountForUnlessTold(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("out");
    runMixStage(out, general(dir));
    Path file = dir.resolve("per-qa.jsonl");
    assertEquals(
        2, export("--format=messages", "--layout=per_qa", "--input=" + out, "--output=" + file));
    assertTrue(err().contains("per_image"), err());
    assertTrue(err().contains("--allowShareMismatch"), err());
    assertFalse(Files.exists(file), "nothing written");
    // the run's qa/ folder is checked against the run too
    assertEquals(
        2,
        export(
            "--format=llava",
            "--layout=per_qa",
            "--input=" + out.resolve("qa"),
            "--output=" + file));
    assertFalse(Files.exists(file));

    assertEquals(
        0,
        export(
            "--format=messages",
            "--layout=per_qa",
            "--allowShareMismatch",
            "--input=" + out,
            "--output=" + file),
        err());
    assertTrue(err().contains("does NOT hold"), err());
    try (TokenCounter c = TokenCounter.loadDefault(576)) {
      long written = recount(readMessages(file), c);
      assertTrue(written > charged(out), "per QA repeats the image: the share does not hold");
    }
  }

  @Test
  void perQaRunExportsOneConversationPerQaAsCharged(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("out");
    runMixStage(out, general(dir), "--exportLayout=per_qa");
    JsonNode m = new ObjectMapper().readTree(out.resolve("mixture.json").toFile());
    assertEquals("per_qa", m.get("layout").asText());
    Path file = dir.resolve("train.jsonl");
    assertEquals(0, export("--format=messages", "--input=" + out, "--output=" + file), err());
    List<QaRecord> admitted = Outputs.read(out.resolve("qa"), QaRecord.class);
    try (TokenCounter c = TokenCounter.loadDefault(576)) {
      List<Conversation> convs = readMessages(file);
      assertEquals(admitted.size(), convs.size());
      assertEquals(admitted.size(), m.get("conversations").asLong());
      assertEquals(charged(out), recount(convs, c));
    }
    assertTrue(m.get("spatial_share").asDouble() <= 0.05);
    assertEquals(
        2,
        export(
            "--format=messages",
            "--layout=per_image",
            "--input=" + out,
            "--output=" + dir.resolve("x")));
  }

  @Test
  void thinkExportHoldsTheTokensTheGateChargedWithTraces(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("out");
    runMixStage(out, general(dir), true, "--exportReasoning=think");
    JsonNode m = new ObjectMapper().readTree(out.resolve("mixture.json").toFile());
    assertEquals("think", m.get("reasoning").asText());
    Path file = dir.resolve("think.jsonl");
    // default: the reasoning the run counted
    assertEquals(0, export("--format=messages", "--input=" + out, "--output=" + file), err());
    List<Conversation> convs = readMessages(file);
    int traced = 0;
    for (Conversation x : convs) {
      for (String[] t : x.turns()) {
        if (t[1].startsWith("<think>\n")) {
          traced++;
          assertTrue(t[1].contains("\n</think>\n\nObject "), t[1]);
        }
      }
    }
    assertTrue(traced > 0, "no trace exported");
    try (TokenCounter c = TokenCounter.loadDefault(576)) {
      assertEquals(charged(out), recount(convs, c), "exported tokens = charged, with traces");
    }
    // exporting without the traces would not be what was counted
    Path none = dir.resolve("none.jsonl");
    assertEquals(
        2, export("--format=messages", "--reasoning=none", "--input=" + out, "--output=" + none));
    assertTrue(err().contains("--exportReasoning=none"), err());
    assertFalse(Files.exists(none));
    // and a run counted without traces refuses --reasoning=think
    Path plain = dir.resolve("plain");
    runMixStage(plain, general(dir), true);
    assertEquals(
        2,
        export(
            "--format=messages",
            "--reasoning=think",
            "--input=" + plain,
            "--output=" + dir.resolve("y")));
    assertEquals(0, export("--format=messages", "--input=" + plain, "--output=" + none), err());
    try (TokenCounter c = TokenCounter.loadDefault(576)) {
      List<Conversation> p = readMessages(none);
      assertTrue(
          p.stream().flatMap(x -> x.turns().stream()).noneMatch(t -> t[1].contains("<think>")));
      assertEquals(charged(plain), recount(p, c));
    }
  }
}
