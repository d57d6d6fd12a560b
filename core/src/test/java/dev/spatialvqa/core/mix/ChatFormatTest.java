package dev.spatialvqa.core.mix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ChatFormatTest {
  @Test
  void defaultIsUserAssistant() {
    assertEquals("USER: q?\nASSISTANT: a.", ChatFormat.defaultFormat().render("q?", "a."));
    assertEquals("user-assistant", ChatFormat.of(null).name());
  }

  @Test
  void presetsAndCustomTemplates() {
    assertEquals(
        "<|im_start|>user\nq<|im_end|>\n<|im_start|>assistant\na<|im_end|>\n",
        ChatFormat.of("chatml").render("q", "a"));
    ChatFormat c = ChatFormat.of("A={answer}\\tQ={question}");
    assertEquals("custom", c.name());
    assertEquals("A=a {question}\tQ=q", c.render("q", "a {question}"));
  }

  @Test
  void templateWithoutPlaceholdersIsRejected() {
    assertThrows(IllegalArgumentException.class, () -> ChatFormat.of("just {question}"));
  }

  @Test
  void turnsEndWithOneNewlineAndAConversationIsItsTurns() {
    ChatFormat ua = ChatFormat.defaultFormat();
    assertEquals("USER: q?\nASSISTANT: a.\n", ua.renderTurn("q?", "a."));
    ChatFormat chatml = ChatFormat.of("chatml");
    assertEquals(chatml.render("q", "a"), chatml.renderTurn("q", "a"));
    assertEquals(
        "USER: q1\nASSISTANT: a1\nUSER: q2\nASSISTANT: a2\n",
        ua.renderConversation(
            java.util.List.of(new String[] {"q1", "a1"}, new String[] {"q2", "a2"})));
  }
}
