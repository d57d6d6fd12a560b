package dev.spatialvqa.templates;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class MultiStepCatalogTest {
  static final Path SOURCE_DIR = Path.of("src/main/resources/multistep");

  @Test
  void everyFileInTheSourceFolderValidates() throws IOException {
    MultiStepCatalog fromFiles = MultiStepCatalog.loadFromDirectory(SOURCE_DIR);
    assertEquals(List.of(), TemplateValidator.validate(fromFiles));
    assertTrue(fromFiles.families().size() >= 10, "need at least 10 families");
  }

  @Test
  void indexListsExactlyTheFamilyFilesOfTheFolder() throws IOException {
    Set<String> files;
    try (var s = Files.list(SOURCE_DIR)) {
      files =
          s.map(p -> p.getFileName().toString())
              .filter(n -> n.endsWith(".json") && !n.equals("steps.json"))
              .map(n -> n.substring(0, n.length() - 5))
              .collect(Collectors.toCollection(TreeSet::new));
    }
    assertEquals(files, new TreeSet<>(MultiStepCatalog.loadFromClasspath().byFileKey().keySet()));
    assertEquals(files.size(), MultiStepCatalog.bundled().families().size());
  }

  private static MultiStepFamily with(
      MultiStepFamily f, List<String> questions, Map<String, List<String>> answers) {
    return new MultiStepFamily(
        f.id(), f.answer(), f.vertical(), f.placeholders(), f.steps(), questions, answers);
  }

  private static List<String> problems(MultiStepFamily f) {
    return TemplateValidator.validate(f, MultiStepCatalog.bundled().steps().keySet());
  }

  @Test
  void aQuestionMissingAnObjectFails() {
    MultiStepFamily f = MultiStepCatalog.bundled().get("closer_to_third");
    List<String> q = new ArrayList<>(f.questions());
    q.set(0, "Which is closer to the door, [A] or [B]?");
    List<String> p = problems(with(f, q, f.answers()));
    assertTrue(p.stream().anyMatch(s -> s.contains("[C] exactly once")), p.toString());
  }

  @Test
  void aValueAnswerWithoutItsPlaceholderFails() {
    MultiStepFamily f = MultiStepCatalog.bundled().get("path_length");
    List<String> a = new ArrayList<>(f.answers("value"));
    a.set(0, "Quite far.");
    Map<String, List<String>> m = new LinkedHashMap<>(f.answers());
    m.put("value", a);
    List<String> p = problems(with(f, f.questions(), m));
    assertTrue(p.stream().anyMatch(s -> s.contains("[X] exactly once")), p.toString());
  }

  @Test
  void aBoolFamilyWithoutFalseAnswersFails() {
    MultiStepFamily f = MultiStepCatalog.bundled().get("between_lr");
    List<String> p = problems(with(f, f.questions(), Map.of("true", f.answers("true"))));
    assertTrue(p.stream().anyMatch(s -> s.contains("answers.false has 0")), p.toString());
  }

  @Test
  void anUnknownStepKindAndAUnitWordFail() {
    MultiStepFamily f = MultiStepCatalog.bundled().get("path_length");
    List<String> q = new ArrayList<>(f.questions());
    q.set(1, "How many meters is it from [A] to [B] and then to [C]?");
    MultiStepFamily g =
        new MultiStepFamily(
            f.id(),
            f.answer(),
            f.vertical(),
            f.placeholders(),
            List.of("distance", "teleport"),
            q,
            f.answers());
    List<String> p = problems(g);
    assertTrue(p.stream().anyMatch(s -> s.contains("'teleport' has no phrasings")), p.toString());
    assertTrue(p.stream().anyMatch(s -> s.contains("names a unit")), p.toString());
  }

  @Test
  void stepPhrasingsAreCheckedToo() {
    MultiStepCatalog c = MultiStepCatalog.bundled();
    Map<String, List<String>> steps = new LinkedHashMap<>(c.steps());
    steps.put("sum", List.of("Adding gives [V].", "Together [X].")); // too few, wrong placeholder
    steps.put("unused_kind", List.of("A [V].", "B [V].", "C [V]."));
    List<String> p = TemplateValidator.validate(new MultiStepCatalog(c.byFileKey(), steps));
    assertTrue(p.stream().anyMatch(s -> s.contains("steps.sum: 2 phrasings")), p.toString());
    assertTrue(p.stream().anyMatch(s -> s.contains("unknown placeholder [X]")), p.toString());
    assertTrue(p.stream().anyMatch(s -> s.contains("no family uses")), p.toString());
  }
}
