package dev.spatialvqa.core.refer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CaptionsTest {
  private final Captions captions = Captions.defaults();

  @ParameterizedTest
  @CsvSource(
      delimiter = '#',
      value = {
        "night stand</s><|im_end|><image>#night stand",
        "<s>red  chair</s>#red chair",
        "lamp<loc_123><loc_456>#lamp",
        "[CLS] coffee table [SEP]#coffee table",
        "tv<|endoftext|>#tv",
        "bed#bed",
        "café table#café table",
        "a 3-seat sofa (grey)#a 3-seat sofa (grey)"
      })
  void specialTokensAndTokenShapedTextAreStripped(String raw, String clean) {
    Captions.Result r = captions.clean(raw);
    assertEquals(clean, r.caption());
    assertEquals(!raw.equals(clean), r.changed());
  }

  @Test
  void controlAndFormatCharactersGoAndWhitespaceCollapses() {
    assertEquals("desk lamp", captions.clean("desk\u0000\u200b \t\nlamp\u0007").caption());
    assertEquals("x y", captions.clean("x\u2028y").caption());
  }

  @Test
  void emptyAfterCleaningOrTooLongIsRefused() {
    assertEquals(Captions.Refusal.EMPTY, captions.clean("</s><pad>").refusal());
    assertNull(captions.clean("   ").caption());
    String longCaption = "very ".repeat(20) + "long table";
    assertEquals(Captions.Refusal.TOO_LONG, captions.clean(longCaption).refusal());
    assertEquals(longCaption.strip(), captions.withMaxChars(200).clean(longCaption).caption());
  }

  @Test
  void extraTokensFromTheUserAreStrippedToo() {
    Captions c = captions.withExtraTokens(List.of("@@END@@", " "));
    assertEquals("chair", c.clean("chair@@END@@").caption());
    assertTrue(c.specialTokens().containsAll(Captions.DEFAULT_SPECIAL_TOKENS));
  }
}
