package dev.spatialvqa.pipelines.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spatialvqa.core.generate.QaConfig;
import dev.spatialvqa.core.generate.QaGenerator;
import dev.spatialvqa.core.split.SceneSplit;
import dev.spatialvqa.schemas.Intrinsics;
import dev.spatialvqa.schemas.IntrinsicsSource;
import dev.spatialvqa.schemas.QaRecord;
import dev.spatialvqa.schemas.SceneObject;
import dev.spatialvqa.schemas.SceneRecord;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.specific.SpecificDatumWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code export --split}, {@code eval} and {@code report} (without a browser), through Main. */
class EvalReportCommandsTest {
  private final ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
  private final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
  private final PrintStream out = new PrintStream(outBytes, true, StandardCharsets.UTF_8);
  private final PrintStream err = new PrintStream(errBytes, true, StandardCharsets.UTF_8);
  private final ObjectMapper json = new ObjectMapper();

  private int main(String... args) throws Exception {
    outBytes.reset();
    errBytes.reset();
    return Main.run(List.of(args), out, err);
  }

  private static final int SCENES = 40;

  /** A run folder with SCENES synthetic scenes and their QA (scenes/ and qa/). */
  static Path writeRun(Path dir) throws Exception {
    Random rnd = new Random(7);
    QaGenerator g = new QaGenerator(QaConfig.defaults().withQaPerScene(20));
    List<SceneRecord> scenes = new ArrayList<>();
    String[] names = {"table", "fridge", "lamp", "sofa"};
    for (int s = 0; s < SCENES; s++) {
      List<SceneObject> objs = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        double x = -2 + 4 * rnd.nextDouble();
        double y = 1.5 + 3 * rnd.nextDouble();
        double h = 0.3 + rnd.nextDouble();
        objs.add(
            SceneObject.newBuilder()
                .setObjectId(Integer.toString(i + 1))
                .setCaption(names[i])
                .setReferringExpression("the " + names[i])
                .setNumPoints(500)
                .setCenterCamera(List.of(x, 1.4 - h / 2, y))
                .setCenter(List.of(x, y, h / 2))
                .setExtent(List.of(0.5 + rnd.nextDouble(), 0.5, h))
                .setHeadingRad(0.0)
                .setBox2dXyxy(List.of(10.0 + 100 * i, 50.0, 90.0 + 100 * i, 200.0))
                .build());
      }
      scenes.add(
          SceneRecord.newBuilder()
              .setSceneId("scene-" + s)
              .setImageUri("file:///nonexistent/scene-" + s + ".jpg")
              .setImageWidth(640)
              .setImageHeight(480)
              .setIntrinsics(new Intrinsics(500.0, 500.0, 320.0, 240.0))
              .setIntrinsicsSource(IntrinsicsSource.given)
              .setCanonicalized(true)
              .setGravityUpCamera(List.of(0.0, -0.98, 0.2))
              .setCameraHeightM(1.4)
              .setObjects(objs)
              .build());
    }
    Files.createDirectories(dir.resolve("qa"));
    Files.createDirectories(dir.resolve("scenes"));
    try (DataFileWriter<QaRecord> w =
        new DataFileWriter<>(new SpecificDatumWriter<>(QaRecord.class))) {
      w.create(QaRecord.getClassSchema(), new File(dir.resolve("qa/qa-0.avro").toString()));
      for (SceneRecord s : scenes) {
        for (QaRecord q : g.generate(s)) {
          w.append(q);
        }
      }
    }
    try (DataFileWriter<SceneRecord> w =
        new DataFileWriter<>(new SpecificDatumWriter<>(SceneRecord.class))) {
      w.create(
          SceneRecord.getClassSchema(), new File(dir.resolve("scenes/scenes-0.avro").toString()));
      for (SceneRecord s : scenes) {
        w.append(s);
      }
    }
    return dir;
  }

  @Test
  void exportSplitKeepsEachSceneInOneSetByItsHash(@TempDir Path dir) throws Exception {
    Path run = writeRun(dir.resolve("run"));
    Path sets = dir.resolve("sets");
    assertEquals(
        0,
        main(
            "export",
            "--format=messages",
            "--input=" + run,
            "--output=" + sets,
            "--split=train:0.7,eval:0.3"),
        errBytes.toString());
    JsonNode splits = json.readTree(sets.resolve("splits.json").toFile());
    SceneSplit split = SceneSplit.parse("train:0.7,eval:0.3");
    Set<String> seen = new HashSet<>();
    int qa = 0;
    for (String name : List.of("train", "eval")) {
      JsonNode set = splits.get("sets").get(name);
      assertTrue(set.get("scenes").asInt() > 0, name + " has scenes");
      for (String line : Files.readAllLines(sets.resolve(name + ".jsonl"))) {
        JsonNode conv = json.readTree(line);
        String scene = conv.get("scene_id").asText();
        assertEquals(name, split.assign(scene), scene);
        assertTrue(seen.add(scene), "one conversation per scene, in one set: " + scene);
        qa += conv.get("messages").size() / 2;
      }
      assertEquals(set.get("qa").asInt(), qaIn(sets.resolve(name + ".jsonl")));
    }
    assertEquals(SCENES, seen.size());
    assertEquals(ReportCommand.read(run.resolve("qa"), QaRecord.class).size(), qa);
    // the same input gives the same sets
    String train = Files.readString(sets.resolve("train.jsonl"));
    assertEquals(
        0,
        main(
            "export",
            "--format=messages",
            "--input=" + run,
            "--output=" + sets,
            "--split=train:0.7,eval:0.3",
            "--overwrite"));
    assertEquals(train, Files.readString(sets.resolve("train.jsonl")));
    // bad specs and typos are refused
    assertEquals(
        2,
        main(
            "export",
            "--format=messages",
            "--input=" + run,
            "--output=" + dir.resolve("x"),
            "--split=train:0.7,eval:0.2"));
    assertTrue(errBytes.toString().contains("add up to 1"), errBytes.toString());
    assertEquals(
        2,
        main(
            "export",
            "--format=messages",
            "--input=" + run,
            "--output=" + dir.resolve("x"),
            "--splt=train:1"));
    assertTrue(errBytes.toString().contains("did you mean --split"), errBytes.toString());
  }

  private int qaIn(Path file) throws Exception {
    int n = 0;
    for (String line : Files.readAllLines(file)) {
      n += json.readTree(line).get("messages").size() / 2;
    }
    return n;
  }

  @Test
  void evalScoresPredictionsJoinedOnQuestionAndImageOfTheHeldOutSet(@TempDir Path dir)
      throws Exception {
    Path run = writeRun(dir.resolve("run"));
    Path sets = dir.resolve("sets");
    assertEquals(
        0,
        main(
            "export",
            "--format=messages",
            "--input=" + run,
            "--output=" + sets,
            "--split=train:0.7,eval:0.3"));
    // a "model" that answers the held-out questions exactly, joined on question and image
    List<String> preds = new ArrayList<>();
    int turns = 0;
    for (String line : Files.readAllLines(sets.resolve("eval.jsonl"))) {
      JsonNode conv = json.readTree(line);
      JsonNode m = conv.get("messages");
      for (int i = 0; i < m.size(); i += 2) {
        String question = "";
        for (JsonNode c : m.get(i).get("content")) {
          if (c.get("type").asText().equals("text")) {
            question = c.get("text").asText();
          }
        }
        String answer = m.get(i + 1).get("content").get(0).get("text").asText();
        preds.add(
            json.writeValueAsString(
                json.createObjectNode()
                    .put("question", question)
                    .put("image", conv.get("images").get(0).asText())
                    .put("prediction", answer)));
        turns++;
      }
    }
    Path p = dir.resolve("preds.jsonl");
    Files.write(p, preds);
    Path outDir = dir.resolve("eval");
    assertEquals(
        0,
        main("eval", "--qa=" + run, "--predictions=" + p, "--output=" + outDir),
        errBytes.toString());
    JsonNode e = json.readTree(outDir.resolve("eval.json").toFile());
    assertEquals(turns, e.get("scored").asInt());
    assertEquals(0, e.get("predictions_unmatched").asInt());
    JsonNode t = e.get("total");
    for (String k :
        List.of(
            "qualitative_accuracy_pct",
            "output_number_pct",
            "within_0_5_2_pct",
            "within_25pct_pct",
            "mean_relative_accuracy_pct")) {
      assertEquals(100.0, t.get(k).asDouble(), k + ": " + outBytes);
    }
    assertTrue(e.get("by_kind").has("qualitative") && e.get("by_question_type").size() > 5);
    assertTrue(outBytes.toString().contains("total"), "a table on stdout");

    // refusals: no numbers
    List<String> refusals = new ArrayList<>();
    for (String l : preds) {
      refusals.add(
          json.writeValueAsString(
              ((com.fasterxml.jackson.databind.node.ObjectNode) json.readTree(l))
                  .put("prediction", "I cannot tell from this image.")));
    }
    Files.write(p, refusals);
    assertEquals(
        0, main("eval", "--qa=" + run, "--predictions=" + p, "--output=" + outDir, "--overwrite"));
    e = json.readTree(outDir.resolve("eval.json").toFile());
    assertEquals(0.0, e.get("total").get("output_number_pct").asDouble());

    // a malformed line is named and nothing is scored
    Files.write(p, List.of(preds.get(0), "{\"qa_id\": 3,"));
    assertEquals(
        2, main("eval", "--qa=" + run, "--predictions=" + p, "--output=" + outDir, "--overwrite"));
    assertTrue(errBytes.toString().contains("line 2"), errBytes.toString());
    Files.write(p, List.of("{\"qa_id\": \"x\"}"));
    assertEquals(
        2, main("eval", "--qa=" + run, "--predictions=" + p, "--output=" + outDir, "--overwrite"));
    assertEquals(2, main("eval", "--qa=" + run, "--predictions=" + p, "--ouput=" + outDir));
    assertTrue(errBytes.toString().contains("did you mean --output"), errBytes.toString());
  }

  @Test
  void reportWritesOneSectionPerSceneEvenWithoutReadableImages(@TempDir Path dir) throws Exception {
    Path run = writeRun(dir.resolve("run"));
    // eval's figures (exact answers) and an evaluate-shaped evaluation.json in the run folder
    List<String> preds = new ArrayList<>();
    for (QaRecord q : ReportCommand.read(run.resolve("qa"), QaRecord.class)) {
      preds.add(
          json.writeValueAsString(
              json.createObjectNode().put("qa_id", q.getQaId()).put("prediction", q.getAnswer())));
    }
    Files.write(dir.resolve("p.jsonl"), preds);
    assertEquals(
        0,
        main("eval", "--qa=" + run, "--predictions=" + dir.resolve("p.jsonl"), "--output=" + run));
    Files.writeString(
        run.resolve("evaluation.json"),
        "{\"scenes\": 1, \"total\": {\"qa\": 10, \"qualitative_agree_pct\": 90.0,"
            + " \"quant_within_0_5_2_pct\": 80.0}, \"per_question_type\": {\"height\":"
            + " {\"qa\": 3, \"quant_within_0_5_2_pct\": 66.7}}}");
    Path report = dir.resolve("report");
    assertEquals(
        0,
        main("report", "--input=" + run, "--output=" + report, "--maxScenes=5"),
        errBytes.toString());
    String html = Files.readString(report.resolve("index.html"));
    assertTrue(html.contains("eval: a model") && html.contains("within_25pct_pct"), "eval figures");
    assertTrue(html.contains("evaluate: agreement") && html.contains("66.7"), "evaluate figures");
    assertTrue(Files.size(report.resolve("img/eval-total.png")) > 0);
    assertTrue(Files.size(report.resolve("img/evaluation-total.png")) > 0);
    assertEquals(5, html.split("<section class=\"scene\"", -1).length - 1);
    assertTrue(html.contains("35 more scenes not shown"));
    assertTrue(html.contains("image not readable"), "the missing image is said, not hidden");
    for (int i = 1; i <= 5; i++) {
      for (String kind : List.of("image", "top", "side")) {
        Path png = report.resolve(String.format("img/scene-%04d-%s.png", i, kind));
        assertTrue(javax.imageio.ImageIO.read(png.toFile()).getWidth() > 100, png.toString());
      }
    }
    assertFalse(html.contains("<script"), "a static page");
    // a second report into the same folder needs --overwrite
    assertEquals(2, main("report", "--input=" + run, "--output=" + report));
    assertEquals(1, main("report", "--input=" + dir.resolve("nope"), "--output=" + report));
  }
}
