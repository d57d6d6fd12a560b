package dev.spatialvqa.pipelines.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spatialvqa.core.generate.MultiStepGenerator;
import dev.spatialvqa.core.generate.QaConfig;
import dev.spatialvqa.core.generate.QaGenerator;
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
import java.util.Set;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.specific.SpecificDatumWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code templates} and {@code export}, through Main. */
class QaCommandsTest {
  private final ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
  private final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
  private final PrintStream out = new PrintStream(outBytes, true, StandardCharsets.UTF_8);
  private final PrintStream err = new PrintStream(errBytes, true, StandardCharsets.UTF_8);

  private int main(String... args) throws Exception {
    outBytes.reset();
    errBytes.reset();
    return Main.run(List.of(args), out, err);
  }

  @Test
  void templatesJsonListsEveryTypeWithCounts() throws Exception {
    assertEquals(0, main("templates", "--json"));
    JsonNode arr = new ObjectMapper().readTree(outBytes.toString(StandardCharsets.UTF_8));
    assertTrue(arr.isArray());
    assertTrue(arr.size() >= 38);
    Set<String> ids = new HashSet<>();
    for (JsonNode t : arr) {
      ids.add(t.get("id").asText());
      assertTrue(Set.of("qualitative", "quantitative").contains(t.get("kind").asText()));
      assertTrue(t.get("question_templates").asInt() >= 20, t.toString());
      assertTrue(t.get("answer_templates").asInt() >= 10, t.toString());
    }
    assertTrue(
        ids.containsAll(
            List.of(
                "left_predicate",
                "smaller_choice",
                "direction",
                "elevation",
                "farther_by",
                "size")));
    assertEquals(0, main("templates"));
    assertTrue(outBytes.toString(StandardCharsets.UTF_8).contains("taller_by"));
    assertEquals(2, main("templates", "--yaml"));
  }

  private static SceneObject obj(String id, String ref, double x, double y, double z, double w) {
    return SceneObject.newBuilder()
        .setObjectId(id)
        .setCaption(ref)
        .setReferringExpression("the " + ref)
        .setNumPoints(500)
        .setCenterCamera(List.of(x, 1.4 - z, y))
        .setCenter(List.of(x, y, z))
        .setExtent(List.of(w, w, 2 * z))
        .setHeadingRad(0.0)
        .build();
  }

  private static SceneRecord scene(String id, List<SceneObject> objs) {
    return SceneRecord.newBuilder()
        .setSceneId(id)
        .setImageUri("file:///data/" + id + ".jpg")
        .setImageWidth(640)
        .setImageHeight(480)
        .setIntrinsics(new Intrinsics(500.0, 500.0, 320.0, 240.0))
        .setIntrinsicsSource(IntrinsicsSource.given)
        .setCanonicalized(true)
        .setCameraHeightM(1.4)
        .setObjects(new ArrayList<>(objs))
        .build();
  }

  private static Path writeRun(Path dir) throws Exception {
    return writeRun(dir, false);
  }

  /** A run's qa/ and scenes/; with {@code multi}, multi-step records too. */
  private static Path writeRun(Path dir, boolean multi) throws Exception {
    QaGenerator g = new QaGenerator(QaConfig.defaults().withQaPerScene(12));
    MultiStepGenerator ms = new MultiStepGenerator(QaConfig.defaults().withMultiStepPerScene(20));
    List<SceneRecord> scenes =
        List.of(
            scene(
                "kitchen",
                List.of(obj("1", "table", 0, 2, 0.4, 1.2), obj("2", "fridge", -1.5, 3, 0.9, 0.7))),
            scene(
                "office",
                List.of(
                    obj("1", "desk", 0.5, 2, 0.4, 1.4),
                    obj("2", "plant", 1.5, 2.5, 0.3, 0.3),
                    obj("3", "shelf", -1, 3.5, 1.0, 0.8))));
    Files.createDirectories(dir.resolve("qa"));
    Files.createDirectories(dir.resolve("scenes"));
    try (DataFileWriter<QaRecord> w =
        new DataFileWriter<>(new SpecificDatumWriter<>(QaRecord.class))) {
      w.create(
          QaRecord.getClassSchema(), new File(dir.resolve("qa/qa-00000-of-00001.avro").toString()));
      for (SceneRecord s : scenes) {
        for (QaRecord q : g.generate(s)) {
          w.append(q);
        }
        if (multi) {
          for (QaRecord q : ms.generate(s)) {
            w.append(q);
          }
        }
      }
    }
    try (DataFileWriter<SceneRecord> w =
        new DataFileWriter<>(new SpecificDatumWriter<>(SceneRecord.class))) {
      w.create(
          SceneRecord.getClassSchema(),
          new File(dir.resolve("scenes/scenes-00000-of-00001.avro").toString()));
      for (SceneRecord s : scenes) {
        w.append(s);
      }
    }
    return dir;
  }

  @Test
  void exportMessagesIsChatJsonLinesGroupedByImage(@TempDir Path dir) throws Exception {
    Path run = writeRun(dir.resolve("run"));
    Path file = dir.resolve("train.jsonl");
    assertEquals(
        0,
        main("export", "--format=messages", "--input=" + run, "--output=" + file),
        errBytes.toString(StandardCharsets.UTF_8));
    List<String> lines = Files.readAllLines(file);
    assertEquals(2, lines.size());
    ObjectMapper json = new ObjectMapper();
    for (String line : lines) {
      JsonNode conv = json.readTree(line);
      assertEquals(1, conv.get("images").size());
      assertTrue(conv.get("images").get(0).asText().startsWith("file:///data/"));
      JsonNode msgs = conv.get("messages");
      assertEquals(24, msgs.size());
      int images = 0;
      for (int i = 0; i < msgs.size(); i++) {
        JsonNode m = msgs.get(i);
        assertEquals(i % 2 == 0 ? "user" : "assistant", m.get("role").asText());
        for (JsonNode c : m.get("content")) {
          if (c.get("type").asText().equals("image")) {
            images++;
            assertEquals(0, i, "image placeholder only in the first user turn");
          } else {
            assertEquals("text", c.get("type").asText());
            assertFalse(c.get("text").asText().isBlank());
          }
        }
      }
      assertEquals(1, images);
      assertEquals("image", msgs.get(0).get("content").get(0).get("type").asText());
    }
  }

  @Test
  void exportLlavaIsAJsonArrayOfConversations(@TempDir Path dir) throws Exception {
    Path run = writeRun(dir.resolve("run"));
    Path file = dir.resolve("llava.json");
    assertEquals(
        0, main("export", "--format=llava", "--input=" + run.resolve("qa"), "--output=" + file));
    JsonNode arr = new ObjectMapper().readTree(file.toFile());
    assertTrue(arr.isArray());
    assertEquals(2, arr.size());
    assertEquals("kitchen", arr.get(0).get("id").asText());
    for (JsonNode conv : arr) {
      assertTrue(conv.get("image").asText().endsWith(conv.get("id").asText() + ".jpg"));
      JsonNode turns = conv.get("conversations");
      assertEquals(24, turns.size());
      for (int i = 0; i < turns.size(); i++) {
        assertEquals(i % 2 == 0 ? "human" : "gpt", turns.get(i).get("from").asText());
        String v = turns.get(i).get("value").asText();
        assertEquals(i == 0, v.startsWith("<image>\n"), v);
        assertEquals(i == 0 ? 1 : 0, v.split("<image>", -1).length - 1);
      }
    }
  }

  @Test
  void templatesMultistepListsTheFamilies() throws Exception {
    assertEquals(0, main("templates", "--multistep", "--json"));
    JsonNode arr = new ObjectMapper().readTree(outBytes.toString(StandardCharsets.UTF_8));
    assertTrue(arr.size() >= 10, arr.toString());
    for (JsonNode f : arr) {
      assertTrue(f.get("steps").size() >= 2, f.toString());
    }
    assertEquals(0, main("templates", "--multistep"));
    assertTrue(outBytes.toString(StandardCharsets.UTF_8).contains("perspective_left"));
  }

  @Test
  void exportVerifiableWritesTypedAnswersWithTolerancesAndSteps(@TempDir Path dir)
      throws Exception {
    Path run = writeRun(dir.resolve("run"), true);
    Path file = dir.resolve("rl.jsonl");
    assertEquals(
        0,
        main("export", "--format=verifiable", "--input=" + run, "--output=" + file),
        errBytes.toString(StandardCharsets.UTF_8));
    ObjectMapper json = new ObjectMapper();
    int multi = 0;
    int values = 0;
    Set<String> types = new HashSet<>();
    for (String line : Files.readAllLines(file)) {
      JsonNode r = json.readTree(line);
      assertFalse(r.get("question").asText().isBlank());
      assertFalse(r.get("answer").asText().isBlank());
      String type = r.get("answer_type").asText();
      types.add(type);
      switch (type) {
        case "bool" -> assertTrue(r.get("answer_bool").isBoolean(), line);
        case "object" -> {
          assertTrue(r.has("answer_object_id"), line);
          assertTrue(
              r.get("answer")
                  .asText()
                  .toLowerCase(java.util.Locale.ROOT)
                  .contains(r.get("answer_object").asText().toLowerCase(java.util.Locale.ROOT)),
              line);
        }
        case "value" -> {
          values++;
          assertTrue(r.get("value_si").isNumber(), line);
          assertTrue(r.get("tolerance_si").asDouble() > 0, line);
          assertTrue(Set.of("m", "clock_hours").contains(r.get("unit").asText()), line);
        }
        case "count" -> assertEquals(0.0, r.get("tolerance_si").asDouble(), line);
        case "label", "tie" -> {}
        default -> throw new AssertionError("answer_type " + type + ": " + line);
      }
      if (r.get("multi_step").asBoolean()) {
        multi++;
        assertTrue(r.get("steps").size() >= 2, line);
        assertFalse(r.get("reasoning_trace").asText().isBlank(), line);
      }
    }
    assertTrue(multi > 0 && values > 0, "multi " + multi + " values " + values);
    assertTrue(types.containsAll(List.of("bool", "value", "object")), types.toString());
    // the layout and the reasoning format do not apply to verifiable records
    assertEquals(
        2,
        main(
            "export",
            "--format=verifiable",
            "--reasoning=think",
            "--input=" + run,
            "--output=" + dir.resolve("x")));
  }

  @Test
  void exportThinkPutsTheTraceBeforeTheAnswer(@TempDir Path dir) throws Exception {
    Path run = writeRun(dir.resolve("run"), true);
    Path file = dir.resolve("think.jsonl");
    assertEquals(
        0,
        main(
            "export",
            "--format=messages",
            "--reasoning=think",
            "--input=" + run,
            "--output=" + file),
        errBytes.toString(StandardCharsets.UTF_8));
    java.util.Map<String, QaRecord> byQuestion = new java.util.HashMap<>();
    try (var r =
        new org.apache.avro.file.DataFileReader<QaRecord>(
            new File(run.resolve("qa/qa-00000-of-00001.avro").toString()),
            new org.apache.avro.specific.SpecificDatumReader<>(QaRecord.class))) {
      r.forEach(q -> byQuestion.put(q.getQuestion(), q));
    }
    int traced = 0;
    for (String line : Files.readAllLines(file)) {
      JsonNode msgs = new ObjectMapper().readTree(line).get("messages");
      for (int i = 0; i < msgs.size(); i += 2) {
        JsonNode content = msgs.get(i).get("content");
        QaRecord q = byQuestion.get(content.get(content.size() - 1).get("text").asText());
        String a = msgs.get(i + 1).get("content").get(0).get("text").asText();
        if (q.getReasoningTrace() == null) {
          assertEquals(q.getAnswer(), a);
        } else {
          traced++;
          assertEquals("<think>\n" + q.getReasoningTrace() + "\n</think>\n\n" + q.getAnswer(), a);
        }
      }
    }
    assertTrue(traced > 0);
    Path custom = dir.resolve("custom.jsonl");
    assertEquals(
        0,
        main(
            "export",
            "--format=llava",
            "--reasoning=<reasoning>{trace}</reasoning>\\n",
            "--input=" + run,
            "--output=" + custom));
    assertTrue(Files.readString(custom).contains("<reasoning>"));
    assertEquals(
        2,
        main(
            "export",
            "--format=messages",
            "--reasoning=thoughts",
            "--input=" + run,
            "--output=" + dir.resolve("y")));
  }

  @Test
  void exportRejectsBadArguments(@TempDir Path dir) throws Exception {
    assertEquals(
        2, main("export", "--format=csv", "--input=" + dir, "--output=" + dir.resolve("x")));
    assertEquals(2, main("export", "--format=llava"));
    assertEquals(
        1,
        main(
            "export",
            "--format=llava",
            "--input=" + dir.resolve("nope"),
            "--output=" + dir.resolve("x")));
  }

  @Test
  void exportFollowsTheRunsAccountedLayoutAndRefusesAnother(@TempDir Path dir) throws Exception {
    Path run = writeRun(dir.resolve("run"));
    Files.writeString(run.resolve("mixture.json"), "{\"layout\": \"per_qa\"}");
    Path file = dir.resolve("train.jsonl");
    assertEquals(
        0,
        main("export", "--format=messages", "--input=" + run, "--output=" + file),
        errBytes.toString(StandardCharsets.UTF_8));
    List<String> lines = Files.readAllLines(file);
    assertEquals(24, lines.size(), "per_qa: one conversation per QA");
    JsonNode first = new ObjectMapper().readTree(lines.get(0));
    assertEquals(2, first.get("messages").size());
    assertTrue(first.hasNonNull("qa_id"));
    Path other = dir.resolve("other.json");
    assertEquals(
        2,
        main(
            "export",
            "--format=llava",
            "--layout=per_image",
            "--input=" + run.resolve("qa"),
            "--output=" + other));
    assertTrue(errBytes.toString(StandardCharsets.UTF_8).contains("per_qa"));
    assertFalse(Files.exists(other));
    assertEquals(
        2,
        main(
            "export",
            "--format=llava",
            "--layout=per_scene",
            "--input=" + run,
            "--output=" + other));
    // a run accounted before layouts charged an image per QA: per_qa
    Files.writeString(run.resolve("mixture.json"), "{\"image_tokens_per_qa\": 576}");
    assertEquals(
        2,
        main(
            "export",
            "--format=messages",
            "--layout=per_image",
            "--input=" + run,
            "--output=" + other));
  }
}
