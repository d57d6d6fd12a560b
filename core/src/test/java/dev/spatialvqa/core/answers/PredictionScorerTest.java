package dev.spatialvqa.core.answers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spatialvqa.core.generate.QaConfig;
import dev.spatialvqa.core.generate.QaGenerator;
import dev.spatialvqa.schemas.Intrinsics;
import dev.spatialvqa.schemas.IntrinsicsSource;
import dev.spatialvqa.schemas.QaRecord;
import dev.spatialvqa.schemas.SceneObject;
import dev.spatialvqa.schemas.SceneRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The done-when on generated QA: exact answers, numbers times 1.5, refusals. */
class PredictionScorerTest {
  private static final String[] NAMES = {
    "the lamp",
    "the bed",
    "the red chair",
    "the chair by the desk",
    "the tall shelf",
    "the sofa",
    "the table",
    "the plant"
  };

  /**
   * QA of random scenes (metric and imperial answers, ties included), every type the catalog has.
   */
  static List<QaRecord> generatedQa() {
    Random rnd = new Random(21);
    QaGenerator g = new QaGenerator(QaConfig.defaults().withQaPerScene(200));
    List<QaRecord> all = new ArrayList<>();
    for (int s = 0; s < 12; s++) {
      List<SceneObject> objs = new ArrayList<>();
      int n = 3 + rnd.nextInt(3);
      for (int i = 0; i < n; i++) {
        double w = 0.2 + rnd.nextDouble() * 1.5;
        double h = 0.1 + rnd.nextDouble() * 1.8;
        // some objects stand on the floor, some are level with others (ties)
        double x = -2 + rnd.nextDouble() * 4;
        double y = 1.5 + rnd.nextDouble() * 4;
        double z = (rnd.nextBoolean() ? 0 : rnd.nextDouble() * 0.8) + h / 2;
        objs.add(
            SceneObject.newBuilder()
                .setObjectId(Integer.toString(i + 1))
                .setCaption(NAMES[i].substring(4))
                .setReferringExpression(NAMES[i])
                .setNumPoints(1000)
                .setCenterCamera(List.of(x, 1.5 - z, y))
                .setCenter(List.of(x, y, z))
                .setExtent(List.of(w, 0.2 + rnd.nextDouble(), h))
                .setHeadingRad(0.0)
                .build());
      }
      SceneRecord scene =
          SceneRecord.newBuilder()
              .setSceneId("s" + s)
              .setImageUri("file:///scenes/s" + s + ".jpg")
              .setImageWidth(640)
              .setImageHeight(480)
              .setIntrinsics(new Intrinsics(500.0, 500.0, 320.0, 240.0))
              .setIntrinsicsSource(IntrinsicsSource.given)
              .setCanonicalized(true)
              .setCameraHeightM(1.5)
              .setObjects(objs)
              .build();
      all.addAll(g.generate(scene));
    }
    return all;
  }

  private static PredictionScorer score(List<QaRecord> qa, Function<QaRecord, String> model) {
    PredictionScorer s = new PredictionScorer();
    for (QaRecord q : qa) {
      s.add(q, model.apply(q));
    }
    return s;
  }

  private static String timesOneAndAHalf(String text) {
    Matcher m = Pattern.compile("\\d+(\\.\\d+)?").matcher(text);
    StringBuilder sb = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(
          sb, String.format(Locale.ROOT, "%.4f", Double.parseDouble(m.group()) * 1.5));
    }
    m.appendTail(sb);
    return sb.toString();
  }

  @Test
  void exactAnswersScoreFullMarksEverywhere() {
    List<QaRecord> qa = generatedQa();
    PredictionScorer s = score(qa, QaRecord::getAnswer);
    PredictionScorer.Tally t = s.total();
    assertTrue(t.qualitative > 100 && t.lengths > 100 && t.directions > 5, s.table());
    assertTrue(t.quantTies > 0, "the sample has quantitative ties: " + s.table());
    assertTrue(
        qa.stream().anyMatch(q -> q.getTie() && q.getKind().toString().equals("qualitative")));
    assertTrue(
        qa.stream().anyMatch(q -> q.getUnitText() != null && q.getUnitText().contains("feet")));
    assertTrue(
        qa.stream().anyMatch(q -> q.getUnitText() != null && q.getUnitText().contains("meter")));
    for (var e : s.byType().entrySet()) {
      PredictionScorer.Tally x = e.getValue();
      for (Double v :
          new Double[] {
            x.qualitativeAccuracyPct(),
            x.outputNumberPct(),
            x.within052Pct(),
            x.within25Pct(),
            x.meanRelativeAccuracyPct(),
            x.directionWithin1hPct(),
            x.quantitativeTieAccuracyPct()
          }) {
        assertTrue(v == null || v == 100.0, e.getKey() + "\n" + s.table());
      }
      assertEquals(0, x.qualitativeUnparsed + x.quantUnparsed, e.getKey());
    }
    assertEquals(100.0, t.qualitativeAccuracyPct());
    assertEquals(100.0, t.outputNumberPct());
    assertEquals(100.0, t.within052Pct());
    assertEquals(100.0, t.within25Pct());
    assertEquals(100.0, t.meanRelativeAccuracyPct());
    assertEquals(100.0, t.directionWithin1hPct());
    assertEquals(100.0, t.quantitativeTieAccuracyPct());
  }

  @Test
  void numbersTimesOneAndAHalfStayWithinTwiceButNotWithin25Percent() {
    PredictionScorer s = score(generatedQa(), q -> timesOneAndAHalf(q.getAnswer()));
    PredictionScorer.Tally t = s.total();
    assertEquals(100.0, t.within052Pct(), s.table());
    assertEquals(0.0, t.within25Pct(), s.table());
    assertEquals(0.0, t.meanRelativeAccuracyPct(), s.table());
    assertEquals(100.0, t.qualitativeAccuracyPct(), s.table());
  }

  @Test
  void refusalsOutputNoNumbers() {
    String[] refusals = {
      "I'm sorry, I cannot determine that from the image.",
      "I don't know.",
      "It is impossible to tell without a 3D scan.",
      "",
      "Not enough information to answer."
    };
    int[] i = {0};
    PredictionScorer s = score(generatedQa(), q -> refusals[i[0]++ % refusals.length]);
    PredictionScorer.Tally t = s.total();
    assertEquals(0.0, t.outputNumberPct(), s.table());
    assertEquals(0.0, t.within052Pct());
    assertEquals(0.0, t.qualitativeAccuracyPct());
    assertEquals(0, t.qualitativeUnparsed + t.quantUnparsed, s.table());
    assertEquals(t.qa, t.qualitativeRefusals + t.quantRefusals, s.table());
  }

  @Test
  void wrongAnswersAreMisses() {
    // the other object, the opposite yes/no, ten times the number
    PredictionScorer s =
        score(
            generatedQa(),
            q -> {
              if (q.getKind().toString().equals("qualitative") && !q.getTie()) {
                if (q.getAnswerBool() != null) {
                  return q.getAnswerBool() ? "No." : "Yes.";
                }
                int k = q.getObjectIds().indexOf(q.getAnswerObjectId());
                return q.getObjectRefs().get(1 - k) + ".";
              }
              Matcher m = Pattern.compile("\\d+(\\.\\d+)?").matcher(q.getAnswer());
              StringBuilder sb = new StringBuilder();
              while (m.find()) {
                m.appendReplacement(sb, Double.toString(Double.parseDouble(m.group()) * 10));
              }
              m.appendTail(sb);
              return sb.toString();
            });
    PredictionScorer.Tally t = s.byKind().get("qualitative");
    assertTrue(t.qualitativeAccuracyPct() < 20, s.table()); // only the ties remain
    assertEquals(0.0, s.total().within052Pct(), s.table());
  }
}
