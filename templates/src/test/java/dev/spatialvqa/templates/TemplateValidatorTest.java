package dev.spatialvqa.templates;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class TemplateValidatorTest {
  static final Path SOURCE_DIR = Path.of("src/main/resources/templates");

  static final List<String> REQUIRED_IDS =
      List.of(
          "left_predicate",
          "right_predicate",
          "above_predicate",
          "below_predicate",
          "behind_predicate",
          "front_predicate",
          "taller_predicate",
          "shorter_predicate",
          "wider_predicate",
          "thinner_predicate",
          "bigger_predicate",
          "smaller_predicate",
          "left_choice",
          "right_choice",
          "above_choice",
          "below_choice",
          "behind_choice",
          "front_choice",
          "taller_choice",
          "shorter_choice",
          "wider_choice",
          "thinner_choice",
          "bigger_choice",
          "smaller_choice",
          "distance",
          "gap",
          "horizontal_distance",
          "vertical_distance",
          "width",
          "height",
          "depth",
          "distance_from_camera",
          "elevation",
          "direction",
          "taller_by",
          "wider_by",
          "farther_by",
          "size");

  @Test
  void everyFileInTheSourceFolderValidates() throws IOException {
    TemplateCatalog fromFiles = TemplateCatalog.loadFromDirectory(SOURCE_DIR);
    assertEquals(List.of(), TemplateValidator.validate(fromFiles));
  }

  @Test
  void indexListsExactlyTheFilesOfTheFolder() throws IOException {
    Set<String> files;
    try (var s = Files.list(SOURCE_DIR)) {
      files =
          s.map(p -> p.getFileName().toString())
              .filter(n -> n.endsWith(".json"))
              .map(n -> n.substring(0, n.length() - 5))
              .collect(Collectors.toCollection(TreeSet::new));
    }
    Set<String> indexed = new TreeSet<>(TemplateCatalog.loadFromClasspath().byFileKey().keySet());
    assertEquals(files, indexed);
  }

  @Test
  void bundledCatalogHasEveryRequiredTypeWithItsKind() {
    TemplateCatalog c = TemplateCatalog.bundled();
    for (String id : REQUIRED_IDS) {
      assertTrue(c.contains(id), "missing " + id);
      QuestionType t = c.get(id);
      String expected =
          id.endsWith("_predicate") || id.endsWith("_choice") ? "qualitative" : "quantitative";
      assertEquals(expected, t.kind(), id);
      assertTrue(t.questions().size() >= 20, id);
      assertTrue(t.answerTemplateCount() >= 10, id);
    }
    assertTrue(c.types().size() >= 38);
  }

  @Test
  void comparisonsHaveTieAnswers() {
    for (QuestionType t : TemplateCatalog.bundled().types()) {
      if (!t.family().equals("quantitative")) {
        assertTrue(t.answers("tie").size() >= 1, t.id());
      }
    }
    for (String id :
        List.of("taller_by", "wider_by", "farther_by", "vertical_distance", "gap", "elevation")) {
      assertTrue(TemplateCatalog.bundled().get(id).answers("tie").size() >= 1, id);
    }
  }

  private static String valid() {
    StringBuilder q = new StringBuilder();
    StringBuilder t = new StringBuilder();
    StringBuilder f = new StringBuilder();
    for (int i = 0; i < 20; i++) {
      q.append(i == 0 ? "" : ",").append("\"Question ").append(i).append(": is [A] left of [B]?\"");
    }
    for (int i = 0; i < 10; i++) {
      t.append(i == 0 ? "" : ",").append("\"Yes ").append(i).append(", [A] is.\"");
      f.append(i == 0 ? "" : ",").append("\"No ").append(i).append(", [B] is.\"");
    }
    return "{\"id\":\"demo_predicate\",\"kind\":\"qualitative\",\"family\":\"predicate\","
        + "\"placeholders\":[\"[A]\",\"[B]\"],\"questions\":["
        + q
        + "],"
        + "\"answers\":{\"true\":["
        + t
        + "],\"false\":["
        + f
        + "],\"tie\":[\"About the same.\"]}}";
  }

  private static List<String> problems(String json) throws IOException {
    return TemplateValidator.validate(TemplateCatalog.parse(json));
  }

  @Test
  void aHandBuiltValidTypePasses() throws IOException {
    assertEquals(List.of(), problems(valid()));
  }

  @Test
  void placeholderTypoFails() throws IOException {
    List<String> p =
        problems(
            valid().replace("Question 3: is [A] left of [B]?", "Question 3: is [A] left of [8]?"));
    assertTrue(p.stream().anyMatch(s -> s.contains("unknown placeholder [8]")), p.toString());
    assertTrue(p.stream().anyMatch(s -> s.contains("[B] exactly once")), p.toString());
  }

  @Test
  void questionNamingAUnitFails() throws IOException {
    List<String> p =
        problems(
            valid()
                .replace(
                    "Question 5: is [A] left of [B]?", "Question 5: is [A] 2 meters left of [B]?"));
    assertTrue(p.stream().anyMatch(s -> s.contains("names a unit")), p.toString());
  }

  @Test
  void unbalancedBracketFails() throws IOException {
    List<String> p = problems(valid().replace("Yes 2, [A] is.", "Yes 2, [A is."));
    assertTrue(p.stream().anyMatch(s -> s.contains("unbalanced bracket")), p.toString());
  }

  @Test
  void duplicateTemplateFails() throws IOException {
    List<String> p = problems(valid().replace("Question 4: is", "question 3:  is"));
    assertTrue(p.stream().anyMatch(s -> s.contains("duplicate in questions")), p.toString());
  }

  @Test
  void tooFewTemplatesFails() throws IOException {
    List<String> p = problems(valid().replace(",\"No 9, [B] is.\"", ""));
    assertTrue(p.stream().anyMatch(s -> s.contains("answers.false has 9 templates")), p.toString());
  }

  @Test
  void valuePlaceholderInAQualitativeAnswerFails() throws IOException {
    List<String> p = problems(valid().replace("Yes 1, [A] is.", "Yes 1, [A] is [X] away."));
    assertTrue(p.stream().anyMatch(s -> s.contains("may not use [X]")), p.toString());
  }

  @Test
  void missingTieGroupFails() throws IOException {
    List<String> p = problems(valid().replace(",\"tie\":[\"About the same.\"]", ""));
    assertTrue(p.stream().anyMatch(s -> s.contains("answers.tie has 0")), p.toString());
  }

  @Test
  void quantitativeValueAnswerWithoutValueFails() throws IOException {
    String q = TemplateCatalog.bundled().get("distance").answers("value").get(0);
    List<String> errs = new ArrayList<>();
    QuestionType t = TemplateCatalog.bundled().get("distance");
    List<String> values = new ArrayList<>(t.answers("value"));
    values.set(0, q.replace("[X]", "a bit"));
    QuestionType broken =
        new QuestionType(
            t.id(),
            t.kind(),
            t.family(),
            t.vertical(),
            t.unit(),
            t.placeholders(),
            t.questions(),
            java.util.Map.of("value", values));
    errs.addAll(TemplateValidator.validate(broken));
    assertTrue(errs.stream().anyMatch(s -> s.contains("[X] exactly once")), errs.toString());
  }
}
