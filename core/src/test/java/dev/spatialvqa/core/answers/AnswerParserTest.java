package dev.spatialvqa.core.answers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spatialvqa.core.answers.AnswerParser.Verdict;
import java.util.List;
import org.junit.jupiter.api.Test;

class AnswerParserTest {
  private static double m(String text) {
    AnswerParser.Length l = AnswerParser.length(text, List.of());
    assertTrue(l != null, text);
    return l.metres();
  }

  @Test
  void lengthsWithUnitsAndWords() {
    assertEquals(1.5, m("1.5m"), 1e-9);
    assertEquals(1.5, m("About 1.5 meters."), 1e-9);
    assertEquals(3 * 0.3048 + 2 * 0.0254, m("about 3 feet 2 inches"), 1e-9);
    assertEquals(3 * 0.3048 + 2 * 0.0254, m("3 ft and 2 in"), 1e-9);
    assertEquals(5 * 0.3048 + 3 * 0.0254, m("roughly 5'3\" tall"), 1e-9);
    assertEquals(2.0, m("two meters"), 1e-9);
    assertEquals(0.45, m("45 cm"), 1e-9);
    assertEquals(0.45, m("forty-five centimetres"), 1e-9);
    assertEquals(0.5, m("half a meter"), 1e-9);
    assertEquals(1.5, m("one and a half meters"), 1e-9);
    assertEquals(1.5, m("a meter and a half"), 1e-9);
    assertEquals(1.5, m("between 1 and 2 meters"), 1e-9);
    assertEquals(1.5, m("1-2 m"), 1e-9);
    assertEquals(1.2, m("1 m 20 cm"), 1e-9);
    assertEquals(1.2, m("1,200 mm"), 1e-9);
    assertEquals(0.9144, m("a yard"), 1e-9);
    assertEquals(1.25, m("1 1/4 meters"), 1e-9);
    assertEquals(3.0, m("3 in front of the bed is 3 m"), 1e-9); // "in" before a word is not inches
    // what models write
    assertEquals(1.2, m("The distance is approximately 1.2 m."), 1e-9);
    assertEquals(1.2, m("It's about 120 centimeters."), 1e-9);
    assertEquals(1.35, m("1.2m-1.5m"), 1e-9);
    assertEquals(1.5, m("~1.5 metres (about 5 feet)"), 1e-9);
    assertEquals(5 * 0.3048 + 3 * 0.0254, m("5 ft. 3 in."), 1e-9);
    assertEquals(0.3, m("The lamp is 30cm wide"), 1e-9);
    assertEquals(2.5, m("two and a half meters"), 1e-9);
    assertEquals(21, m("twenty-one meters"), 1e-9);
    assertEquals(4 * 0.3048, m("Roughly four feet."), 1e-9);
    AnswerParser.Length bare = AnswerParser.length("1.8", List.of());
    assertFalse(bare.unitGiven());
    assertEquals(1.8, bare.metres(), 1e-9);
    assertNull(AnswerParser.length("I cannot tell without a 3D scan", List.of()));
    assertNull(AnswerParser.length("It is at 3 o'clock", List.of()));
    // a referring expression with a number does not answer
    assertNull(AnswerParser.length("The 2 drawers are far.", List.of("the 2 drawers")));
  }

  @Test
  void clockDirections() {
    assertEquals(3.0, AnswerParser.clockHours("at 3 o'clock", List.of()));
    assertEquals(3.0, AnswerParser.clockHours("At 3 o\u2019clock.", List.of()));
    assertEquals(11.0, AnswerParser.clockHours("eleven o'clock", List.of()));
    assertEquals(2.5, AnswerParser.clockHours("around 2:30", List.of()));
    assertEquals(4.5, AnswerParser.clockHours("half past four", List.of()));
    assertEquals(9.0, AnswerParser.clockHours("It is to the left.", List.of()));
    assertEquals(1.5, AnswerParser.clockHours("ahead and to the right", List.of()));
    assertEquals(12.0, AnswerParser.clockHours("straight ahead", List.of()));
    assertNull(AnswerParser.clockHours("I don't know", List.of()));
    assertEquals(1.0, AnswerParser.clockDifference(12, 1), 1e-9);
    assertEquals(2.0, AnswerParser.clockDifference(11, 1), 1e-9);
  }

  @Test
  void yesNoAndParaphrases() {
    List<String> refs = List.of("the lamp", "the same chair");
    assertEquals(Verdict.YES, AnswerParser.yesNo("Yes, the lamp is left of the same chair.", refs));
    assertEquals(Verdict.YES, AnswerParser.yesNo("Correct.", refs));
    assertEquals(Verdict.YES, AnswerParser.yesNo("That's right", refs));
    assertEquals(Verdict.NO, AnswerParser.yesNo("No, it is to the right.", refs));
    assertEquals(Verdict.NO, AnswerParser.yesNo("It is not.", refs));
    assertEquals(Verdict.NO, AnswerParser.yesNo("Nope", refs));
    assertEquals(Verdict.NO, AnswerParser.yesNo("The lamp isn't to the left.", refs));
    assertEquals(Verdict.TIE, AnswerParser.yesNo("They are about level.", refs));
    assertEquals(Verdict.REFUSAL, AnswerParser.yesNo("I can't tell.", refs));
    assertEquals(Verdict.REFUSAL, AnswerParser.yesNo("No, I cannot determine that.", refs));
    assertEquals(Verdict.UNPARSED, AnswerParser.yesNo("The lamp is red.", refs));
    // the object named "the same chair" is no tie
    assertEquals(Verdict.UNPARSED, AnswerParser.yesNo("the same chair", refs));
  }

  @Test
  void whichOfTwoByReferringExpression() {
    String a = "the chair";
    String b = "the chair by the desk";
    assertEquals(0, AnswerParser.choice("The chair.", a, b).index());
    assertEquals(1, AnswerParser.choice("It's the chair by the desk.", a, b).index());
    assertEquals(1, AnswerParser.choice("chair by the desk", a, b).index());
    assertEquals(
        0, AnswerParser.choice("The chair is taller than the chair by the desk.", a, b).index());
    assertEquals(1, AnswerParser.choice("Not the chair, the chair by the desk.", a, b).index());
    assertEquals(
        0, AnswerParser.choice("The chair; the chair by the desk is lower.", a, b).index());
    assertEquals(1, AnswerParser.choice("The latter.", a, b).index());
    assertEquals(0, AnswerParser.choice("the first one", a, b).index());
    assertEquals(Verdict.TIE, AnswerParser.choice("They are about the same.", a, b).verdict());
    assertEquals(Verdict.REFUSAL, AnswerParser.choice("Sorry, I can't see.", a, b).verdict());
    assertEquals(Verdict.UNPARSED, AnswerParser.choice("The sofa.", a, b).verdict());
  }

  /** Every answer template of the catalog reads back as what it says. */
  @Test
  void everyCatalogAnswerReadsBack() {
    String a = "the chair";
    String b = "the chair by the desk";
    for (dev.spatialvqa.templates.QuestionType t :
        dev.spatialvqa.templates.TemplateCatalog.bundled().types()) {
      for (var e : t.answers().entrySet()) {
        for (String tpl : e.getValue()) {
          for (int c = 0; c < 2; c++) {
            String chosen = c == 0 ? a : b;
            String other = c == 0 ? b : a;
            String text =
                tpl.replace("[A]", a)
                    .replace("[B]", b)
                    .replace("[C]", chosen)
                    .replace("[O]", other)
                    .replace("[X]", t.id().equals("direction") ? "3 o'clock" : "1.2 meters");
            String what = t.id() + "/" + e.getKey() + ": " + text;
            List<String> refs = List.of(a, b);
            switch (e.getKey()) {
              case "true" -> assertEquals(Verdict.YES, AnswerParser.yesNo(text, refs), what);
              case "false" -> assertEquals(Verdict.NO, AnswerParser.yesNo(text, refs), what);
              case "chosen" -> assertEquals(c, AnswerParser.choice(text, a, b).index(), what);
              case "tie" -> {
                if (t.family().equals("predicate")) {
                  assertEquals(Verdict.TIE, AnswerParser.yesNo(text, refs), what);
                } else if (t.family().equals("choice")) {
                  assertEquals(Verdict.TIE, AnswerParser.choice(text, a, b).verdict(), what);
                } else {
                  assertTrue(AnswerParser.isTie(text, refs), what);
                  AnswerParser.Length l = AnswerParser.length(text, refs);
                  assertTrue(l == null || l.metres() == 0, what); // "practically zero"
                }
              }
              case "value" -> {
                if (t.id().equals("direction")) {
                  assertEquals(3.0, AnswerParser.clockHours(text, refs), what);
                } else {
                  assertEquals(1.2, AnswerParser.length(text, refs).metres(), 1e-9, what);
                }
                assertFalse(AnswerParser.isRefusal(text), what);
              }
              default -> throw new AssertionError("unknown answer group " + what);
            }
          }
        }
      }
    }
  }
}
