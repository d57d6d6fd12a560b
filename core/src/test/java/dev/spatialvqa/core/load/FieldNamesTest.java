package dev.spatialvqa.core.load;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class FieldNamesTest {
  @ParameterizedTest
  @CsvSource({
    "instrinsics, intrinsics",
    "object, objects",
    "instance, instances",
    "gravity_up, gravity_up_camera",
    "gravityUpCamera, gravity_up_camera",
    "depth_scale, depth_scale_m",
    "Scene_ID, scene_id",
    "images, image"
  })
  void aNearMissNamesTheFieldItProbablyMeant(String typo, String meant) {
    assertEquals(meant, FieldNames.nearMiss(typo, ManifestParser.FIELDS));
    String line = "{\"scene_id\":\"s\",\"image\":\"x.jpg\",\"" + typo + "\":1}";
    InputException e = assertThrows(InputException.class, () -> ManifestParser.parse(line));
    assertEquals("unknown_field", e.reason());
    assertTrue(e.getMessage().contains("did you mean '" + meant + "'"), e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"source", "license", "split", "room_type", "notes", "image_id", "capture"})
  void otherUnknownFieldsAreLeftAlone(String field) {
    assertNull(FieldNames.nearMiss(field, ManifestParser.FIELDS));
    assertDoesNotThrow(
        () -> ManifestParser.parse("{\"scene_id\":\"s\",\"image\":\"x.jpg\",\"" + field + "\":1}"));
  }

  @ParameterizedTest
  @CsvSource({"captoin, caption", "box2d, box2d_xyxy", "ids, id"})
  void objectFieldsAreCheckedToo(String typo, String meant) {
    InputException e =
        assertThrows(
            InputException.class,
            () ->
                ManifestParser.parse(
                    "{\"scene_id\":\"s\",\"image\":\"x.jpg\",\"objects\":[{\"id\":1,\"caption\":\"bed\",\""
                        + typo
                        + "\":1}]}"));
    assertTrue(e.getMessage().contains("objects[0]." + meant), e.getMessage());
  }
}
