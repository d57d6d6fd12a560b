package dev.spatialvqa.core.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spatialvqa.schemas.QaRecord;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Within a scene the generator asks each fact once: no two QA share their type and object set (in
 * either order), and no question and answer repeat exactly, even when every candidate is asked.
 */
class QaOncePerFactTest {
  @Test
  void eachTypeAndObjectSetIsAskedOnce() {
    List<QaRecord> qa =
        new QaGenerator(QaConfig.defaults().withQaPerScene(500)).generate(TestScenes.bedroom());
    assertTrue(qa.size() > 30, "QA: " + qa.size());
    Set<String> facts = new HashSet<>();
    Set<String> texts = new HashSet<>();
    for (QaRecord q : qa) {
      String fact = q.getQuestionType() + "|" + new TreeSet<>(q.getObjectIds());
      assertTrue(facts.add(fact), "asked twice: " + fact);
      assertTrue(texts.add(q.getQuestion() + "|" + q.getAnswer()), "repeated: " + q.getQuestion());
    }
    assertEquals(qa.size(), facts.size());
  }
}
