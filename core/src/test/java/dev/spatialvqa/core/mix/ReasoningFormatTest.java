package dev.spatialvqa.core.mix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ReasoningFormatTest {
  @Test
  void noneWritesTheAnswerAlone() {
    ReasoningFormat f = ReasoningFormat.of(null);
    assertTrue(f.isNone());
    assertEquals("Yes.", f.assistant("Yes.", "A is 1 m from B."));
    assertEquals(ReasoningFormat.none(), ReasoningFormat.of("NONE"));
  }

  @Test
  void thinkPutsTheTraceInTagsBeforeTheAnswer() {
    ReasoningFormat f = ReasoningFormat.of("think");
    assertEquals("think", f.id());
    assertEquals(
        "<think>\nA is 1 m from B.\n</think>\n\nYes.", f.assistant("Yes.", "A is 1 m from B."));
    // records without a trace (single-step types) keep their answer
    assertEquals("Yes.", f.assistant("Yes.", null));
    assertEquals("Yes.", f.assistant("Yes.", " "));
  }

  @Test
  void aTemplateIsConfigurableWithEscapes() {
    ReasoningFormat f = ReasoningFormat.of("<reasoning>{trace}</reasoning>\\n");
    assertEquals("custom", f.name());
    assertEquals("<reasoning>t {x}</reasoning>\nNo.", f.assistant("No.", "t {x}"));
    assertEquals(f, ReasoningFormat.of("<reasoning>{trace}</reasoning>\n"));
    assertNotEquals(f, ReasoningFormat.of("think"));
    assertThrows(IllegalArgumentException.class, () -> ReasoningFormat.of("<think></think>"));
  }
}
