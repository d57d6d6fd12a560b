package dev.spatialvqa.core.perceive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class DenseCaptionsTest {
  private static final double EPS = 1e-9;

  private static void assertBox(
      Region r, String caption, double x0, double y0, double x1, double y1) {
    assertEquals(caption, r.caption());
    assertEquals(x0, r.x0(), EPS, "x0");
    assertEquals(y0, r.y0(), EPS, "y0");
    assertEquals(x1, r.x1(), EPS, "x1");
    assertEquals(y1, r.y1(), EPS, "y1");
  }

  @Test
  void parsesCaptionsAndBinCentresInPixels() {
    String text =
        "</s><s>red chair<loc_100><loc_200><loc_499><loc_999>"
            + " Wooden Table <loc_0><loc_500><loc_250><loc_750></s><pad><pad>";
    DenseCaptions.Parsed p = DenseCaptions.parse(text, 640, 480, 1.0);
    assertEquals(2, p.regions().size());
    // (bin + 0.5) * size / 1000
    assertBox(p.regions().get(0), "red chair", 100.5 * 0.64, 200.5 * 0.48, 499.5 * 0.64, 479.76);
    assertBox(p.regions().get(1), "wooden table", 0.32, 500.5 * 0.48, 250.5 * 0.64, 750.5 * 0.48);
    assertEquals(1.0, p.regions().get(0).score());
    assertTrue(p.counts().isEmpty(), p.counts().toString());
  }

  @Test
  void onePhraseMayCarrySeveralBoxes() {
    DenseCaptions.Parsed p =
        DenseCaptions.parse(
            "<s>car<loc_0><loc_0><loc_10><loc_10><loc_20><loc_20><loc_30><loc_40></s>",
            1000,
            1000,
            0.5);
    assertEquals(2, p.regions().size());
    assertBox(p.regions().get(0), "car", 0.5, 0.5, 10.5, 10.5);
    assertBox(p.regions().get(1), "car", 20.5, 20.5, 30.5, 40.5);
    assertEquals(0.5, p.regions().get(1).score());
  }

  @Test
  void countsWhatItDrops() {
    String text =
        "<s>lamp<loc_10><loc_10><loc_20><loc_20>"
            + "<loc_1><loc_1><loc_5><loc_5>" // second box of "lamp": kept
            + "flipped<loc_50><loc_10><loc_40><loc_20>" // x2 < x1
            + "flat<loc_10><loc_30><loc_40><loc_30>" // y2 == y1
            + "  <loc_1><loc_2><loc_3><loc_4>" // no caption
            + "half<loc_1><loc_2>" // not a box
            + "<od>dangling phrase"; // no box (e.g. truncated output)
    DenseCaptions.Parsed p = DenseCaptions.parse(text, 100, 100, 1.0);
    assertEquals(List.of("lamp", "lamp"), p.regions().stream().map(Region::caption).toList());
    assertEquals(2, p.count(DenseCaptions.DEGENERATE_BOX));
    assertEquals(1, p.count(DenseCaptions.EMPTY_CAPTION));
    assertEquals(1, p.count(DenseCaptions.INCOMPLETE_BOX));
    assertEquals(1, p.count(DenseCaptions.PHRASE_WITHOUT_BOX));
  }

  @Test
  void textBeforeATagIsAPhraseWithoutBoxAndTheTagIsNoCaption() {
    DenseCaptions.Parsed p =
        DenseCaptions.parse(
            "<s>lost words<od>sofa<loc_1><loc_1><loc_900><loc_900></s>", 1000, 500, 1.0);
    assertEquals(1, p.regions().size());
    assertBox(p.regions().get(0), "sofa", 1.5, 0.75, 900.5, 450.25);
    assertEquals(1, p.count(DenseCaptions.PHRASE_WITHOUT_BOX));
  }

  @Test
  void binsBeyondTheGridAreDegenerateAndNonAsciiIsDropped() {
    DenseCaptions.Parsed p =
        DenseCaptions.parse(
            "caf\u00e9 sign<loc_1><loc_1><loc_1000><loc_5>plant\u2122<loc_1><loc_1><loc_2><loc_2>",
            10,
            10,
            1.0);
    assertEquals(1, p.count(DenseCaptions.DEGENERATE_BOX));
    assertEquals(1, p.regions().size());
    assertEquals("plant", p.regions().get(0).caption());
  }

  @Test
  void emptyAndBoxlessOutputs() {
    assertTrue(DenseCaptions.parse("</s><s></s>", 10, 10, 1).regions().isEmpty());
    assertTrue(DenseCaptions.parse("</s><s></s>", 10, 10, 1).counts().isEmpty());
    DenseCaptions.Parsed p = DenseCaptions.parse("<s>a caption only", 10, 10, 1);
    assertTrue(p.regions().isEmpty());
    assertEquals(1, p.count(DenseCaptions.PHRASE_WITHOUT_BOX));
  }

  @Test
  void rejectsAnEmptyImage() {
    assertThrows(IllegalArgumentException.class, () -> DenseCaptions.parse("x", 0, 10, 1));
  }
}
