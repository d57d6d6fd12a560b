package dev.spatialvqa.core.mix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ExportLayoutTest {
  @Test
  void parsesNamesAndDefaultsToPerImage() {
    assertEquals(ExportLayout.PER_IMAGE, ExportLayout.parse(null));
    assertEquals(ExportLayout.PER_IMAGE, ExportLayout.parse("per-image"));
    assertEquals(ExportLayout.PER_QA, ExportLayout.parse(" PER_QA "));
    assertEquals("per_qa", ExportLayout.PER_QA.id());
    assertThrows(IllegalArgumentException.class, () -> ExportLayout.parse("per_scene_maybe"));
  }

  @Test
  void perImageGroupsByImageAndPerQaNever() {
    assertEquals(
        ExportLayout.PER_IMAGE.conversationKey("img", "q1"),
        ExportLayout.PER_IMAGE.conversationKey("img", "q2"));
    assertNotEquals(
        ExportLayout.PER_QA.conversationKey("img", "q1"),
        ExportLayout.PER_QA.conversationKey("img", "q2"));
  }
}
