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
}
