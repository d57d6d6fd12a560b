package dev.spatialvqa.core.answers;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spatialvqa.schemas.QaKind;
import dev.spatialvqa.schemas.QaRecord;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Scores a model's free-text predictions against QA records (the labels the model was trained
 * with), the way the spatial VQA benchmarks do:
 *
 * <ul>
 *   <li>qualitative (yes/no and which-of-two): the prediction agrees with the record's answer
 *       ({@code answer_bool}, {@code answer_object_id}, or a tie answer when {@code tie});
 *   <li>quantitative lengths: against the value the reference answer states ({@code unit_text},
 *       read back with {@link AnswerParser}: the label's own rounding), else {@code value_si}.
 *       {@code output_number_pct}: predictions holding a usable number (SpatialVLM's "output
 *       numbers"); {@code within_0_5_2_pct}: pred/gt in [0.5, 2] (SpatialVLM, Q-Spatial); {@code
 *       within_25pct_pct}: |pred - gt| <= 0.25 gt (SpatialRGPT-Bench); {@code
 *       mean_relative_accuracy_pct}: the mean over thresholds 0.50, 0.55, ..., 0.95 of |pred - gt|
 *       / gt < 1 - threshold (VSI-Bench, SPAR-Bench). A prediction without a number is a miss in
 *       every one of them;
 *   <li>clock directions ({@code direction}): within one hour, circularly ({@code
 *       direction_within_1h_pct}); counted in {@code output_number_pct}, not in the ratio metrics;
 *   <li>quantitative ties (the label says "about the same height", "touching", "on the floor"):
 *       correct when the prediction says so too, or states a length within the record's {@code
 *       margin_si} ({@code quantitative_tie_accuracy_pct}).
 * </ul>
 *
 * Each counts per question type, per kind and in total, with unparsed predictions and refusals.
 */
public final class PredictionScorer {
  /** The thresholds of mean relative accuracy (VSI-Bench): 0.50, 0.55, ..., 0.95. */
  static final double[] MRA_THRESHOLDS = {
    0.50, 0.55, 0.60, 0.65, 0.70, 0.75, 0.80, 0.85, 0.90, 0.95
  };

  /** Counts of one group (all, a kind, a question type). */
  public static final class Tally {
    long qa;
    long qualitative;
    long qualitativeCorrect;
    long qualitativeUnparsed;
    long qualitativeRefusals;
    long numeric; // quantitative with a number in the label (lengths and clock)
    long outputNumber;
    long lengths;
    long within0520;
    long within25;
    double mraSum;
    long directions;
    long directionWithin1h;
    long quantTies;
    long quantTiesCorrect;
    long quantUnparsed;
    long quantRefusals;
    long lengthsWithoutUnit;

    static Double pct(double num, long den) {
      return den == 0 ? null : Math.round(10000.0 * num / den) / 100.0;
    }

    public Double qualitativeAccuracyPct() {
      return pct(qualitativeCorrect, qualitative);
    }

    public Double outputNumberPct() {
      return pct(outputNumber, numeric);
    }

    public Double within052Pct() {
      return pct(within0520, lengths);
    }

    public Double within25Pct() {
      return pct(within25, lengths);
    }

    public Double meanRelativeAccuracyPct() {
      return pct(mraSum, lengths);
    }

    public Double directionWithin1hPct() {
      return pct(directionWithin1h, directions);
    }

    public Double quantitativeTieAccuracyPct() {
      return pct(quantTiesCorrect, quantTies);
    }

    ObjectNode toJson(ObjectMapper json) {
      ObjectNode o = json.createObjectNode();
      o.put("qa", qa);
      o.put("qualitative", qualitative);
      o.put("qualitative_correct", qualitativeCorrect);
      o.put("qualitative_accuracy_pct", qualitativeAccuracyPct());
      o.put("quantitative_with_number", numeric);
      o.put("output_number_pct", outputNumberPct());
      o.put("lengths", lengths);
      o.put("within_0_5_2_pct", within052Pct());
      o.put("within_25pct_pct", within25Pct());
      o.put("mean_relative_accuracy_pct", meanRelativeAccuracyPct());
      o.put("directions", directions);
      o.put("direction_within_1h_pct", directionWithin1hPct());
      o.put("quantitative_ties", quantTies);
      o.put("quantitative_tie_accuracy_pct", quantitativeTieAccuracyPct());
      ObjectNode u = o.putObject("unparsed");
      u.put("qualitative", qualitativeUnparsed);
      u.put("quantitative", quantUnparsed);
      ObjectNode r = o.putObject("refusals");
      r.put("qualitative", qualitativeRefusals);
      r.put("quantitative", quantRefusals);
      o.put("lengths_without_unit", lengthsWithoutUnit);
      return o;
    }

    void add(Scored s) {
      qa++;
      switch (s.category) {
        case QUALITATIVE -> {
          qualitative++;
          if (s.correct) {
            qualitativeCorrect++;
          }
        }
        case LENGTH -> {
          numeric++;
          lengths++;
          if (s.predicted != null) {
            outputNumber++;
            double r = s.predicted / s.truth;
            if (r >= 0.5 && r <= 2.0) {
              within0520++;
            }
            double rel = Math.abs(s.predicted - s.truth) / s.truth;
            if (rel <= 0.25 + 1e-12) {
              within25++;
            }
            int hits = 0;
            for (double t : MRA_THRESHOLDS) {
              if (rel < 1 - t - 1e-12) {
                hits++;
              }
            }
            mraSum += hits / (double) MRA_THRESHOLDS.length;
          }
          if (s.unitMissing) {
            lengthsWithoutUnit++;
          }
        }
        case DIRECTION -> {
          numeric++;
          directions++;
          if (s.predicted != null) {
            outputNumber++;
            if (AnswerParser.clockDifference(s.predicted, s.truth) <= 1.0 + 1e-9) {
              directionWithin1h++;
            }
          }
        }
        case QUANT_TIE -> {
          quantTies++;
          if (s.correct) {
            quantTiesCorrect++;
          }
        }
      }
      boolean qual = s.category == Category.QUALITATIVE;
      if (s.refusal) {
        if (qual) {
          qualitativeRefusals++;
        } else {
          quantRefusals++;
        }
      } else if (s.unparsed) {
        if (qual) {
          qualitativeUnparsed++;
        } else {
          quantUnparsed++;
        }
      }
    }
  }

  enum Category {
    QUALITATIVE,
    LENGTH,
    DIRECTION,
    QUANT_TIE
  }

  /** One scored prediction. */
  static final class Scored {
    Category category;
    boolean correct;
    Double predicted;
    double truth;
    boolean unparsed;
    boolean refusal;
    boolean unitMissing;
  }

  private final Tally total = new Tally();
  private final Map<String, Tally> byKind = new TreeMap<>();
  private final Map<String, Tally> byType = new TreeMap<>();
  private long skipped;
  private final Map<String, Long> skippedReasons = new TreeMap<>();

  /** Scores one prediction of one QA record. */
  public void add(QaRecord qa, String prediction) {
    Scored s = score(qa, prediction == null ? "" : prediction);
    if (s == null) {
      return;
    }
    total.add(s);
    byKind.computeIfAbsent(qa.getKind().toString(), k -> new Tally()).add(s);
    byType.computeIfAbsent(qa.getQuestionType(), k -> new Tally()).add(s);
  }

  private void skip(String reason) {
    skipped++;
    skippedReasons.merge(reason, 1L, Long::sum);
  }

  private static boolean isClockLabel(QaRecord qa) {
    String u = qa.getUnitText();
    return "direction".equals(qa.getQuestionType())
        || u != null && u.toLowerCase(Locale.ROOT).contains("o'clock");
  }

  Scored score(QaRecord qa, String prediction) {
    if (qa.getSteps() != null && !qa.getSteps().isEmpty()) {
      // multi-step answers (rankings, counts, triangle classes) are not free-text parses of one
      // fact: they are checked from answer_label / value_si with tolerance_si (export
      // --format=verifiable); counted here, not scored
      skip("multi_step_record");
      return null;
    }
    List<String> refs = qa.getObjectRefs() == null ? List.of() : qa.getObjectRefs();
    Scored s = new Scored();
    boolean refusal = AnswerParser.isRefusal(prediction);
    if (qa.getKind() == QaKind.qualitative) {
      s.category = Category.QUALITATIVE;
      AnswerParser.Verdict v;
      if (qa.getAnswerObjectId() != null || qa.getQuestionType().endsWith("_choice")) {
        if (refs.size() < 2 || qa.getObjectIds().size() < 2) {
          skip("choice_without_referring_expressions");
          return null;
        }
        AnswerParser.Choice c = AnswerParser.choice(prediction, refs.get(0), refs.get(1));
        if (c.index() >= 0) {
          s.correct =
              !qa.getTie() && qa.getObjectIds().get(c.index()).equals(qa.getAnswerObjectId());
          return s;
        }
        v = c.verdict();
      } else {
        v = AnswerParser.yesNo(prediction, refs);
        if (v == AnswerParser.Verdict.YES || v == AnswerParser.Verdict.NO) {
          s.correct =
              !qa.getTie()
                  && qa.getAnswerBool() != null
                  && qa.getAnswerBool() == (v == AnswerParser.Verdict.YES);
          return s;
        }
      }
      s.correct = v == AnswerParser.Verdict.TIE && qa.getTie();
      s.refusal = v == AnswerParser.Verdict.REFUSAL;
      s.unparsed = v == AnswerParser.Verdict.UNPARSED;
      return s;
    }
    boolean clock = isClockLabel(qa);
    Double truth =
        clock
            ? AnswerParser.clockHours(qa.getUnitText() == null ? "" : qa.getUnitText(), List.of())
            : labelLength(qa);
    if (truth == null && qa.getTie()) {
      s.category = Category.QUANT_TIE;
      AnswerParser.Length l = AnswerParser.length(prediction, refs);
      double margin = qa.getMarginSi() == null ? 0 : qa.getMarginSi();
      s.correct = l != null ? l.metres() <= margin + 1e-9 : AnswerParser.isTie(prediction, refs);
      s.refusal = !s.correct && l == null && refusal;
      s.unparsed = !s.correct && l == null && !refusal;
      return s;
    }
    if (truth == null && qa.getValueSi() != null) {
      truth = qa.getValueSi();
    }
    if (truth == null || !Double.isFinite(truth) || (!clock && truth <= 0)) {
      skip(clock ? "direction_without_value" : "length_without_positive_value");
      return null;
    }
    s.truth = truth;
    if (clock) {
      s.category = Category.DIRECTION;
      s.predicted = AnswerParser.clockHours(prediction, refs);
      if (s.predicted != null
          && refusal
          && !prediction.toLowerCase(Locale.ROOT).contains("clock")) {
        s.predicted = null; // "I can't tell from the left of the image": words, not an answer
      }
    } else {
      s.category = Category.LENGTH;
      AnswerParser.Length l = AnswerParser.length(prediction, refs);
      if (l != null && Double.isFinite(l.metres()) && l.metres() >= 0) {
        s.predicted = l.metres();
        s.unitMissing = !l.unitGiven();
      }
    }
    if (s.predicted == null) {
      s.refusal = refusal;
      s.unparsed = !refusal;
    }
    return s;
  }

  /** The length the label states (its unit text), else null. */
  static Double labelLength(QaRecord qa) {
    if (qa.getUnitText() == null || qa.getUnitText().isBlank()) {
      return null;
    }
    AnswerParser.Length l = AnswerParser.length(qa.getUnitText(), List.of());
    return l == null ? null : l.metres();
  }

  public Tally total() {
    return total;
  }

  public Map<String, Tally> byKind() {
    return byKind;
  }

  public Map<String, Tally> byType() {
    return byType;
  }

  /** eval.json's metric part: total, by kind, by question type, and QA that could not be scored. */
  public ObjectNode toJson(ObjectMapper json) {
    ObjectNode o = json.createObjectNode();
    o.set("total", total.toJson(json));
    ObjectNode k = o.putObject("by_kind");
    byKind.forEach((name, t) -> k.set(name, t.toJson(json)));
    ObjectNode t = o.putObject("by_question_type");
    byType.forEach((name, v) -> t.set(name, v.toJson(json)));
    o.put("not_scorable", skipped);
    ObjectNode r = o.putObject("not_scorable_reasons");
    skippedReasons.forEach(r::put);
    return o;
  }

  /** A readable table: one row per question type, then kinds and the total. */
  public String table() {
    StringBuilder sb = new StringBuilder();
    String head =
        String.format(
            Locale.ROOT,
            "%-22s %5s %8s %8s %8s %8s %8s %8s %8s %6s%n",
            "group",
            "qa",
            "qual%",
            "number%",
            "0.5-2x%",
            "+-25%",
            "MRA%",
            "clock1h%",
            "tie%",
            "unpars");
    sb.append(head);
    byType.forEach((name, t) -> sb.append(row(name, t)));
    sb.append("-".repeat(head.length() - 1)).append('\n');
    byKind.forEach((name, t) -> sb.append(row(name, t)));
    sb.append(row("total", total));
    return sb.toString();
  }

  private static String row(String name, Tally t) {
    return String.format(
        Locale.ROOT,
        "%-22s %5d %8s %8s %8s %8s %8s %8s %8s %6d%n",
        name,
        t.qa,
        f(t.qualitativeAccuracyPct()),
        f(t.outputNumberPct()),
        f(t.within052Pct()),
        f(t.within25Pct()),
        f(t.meanRelativeAccuracyPct()),
        f(t.directionWithin1hPct()),
        f(t.quantitativeTieAccuracyPct()),
        t.qualitativeUnparsed + t.quantUnparsed);
  }

  private static String f(Double v) {
    return v == null ? "-" : String.format(Locale.ROOT, "%.1f", v);
  }

  public static String toJsonText(ObjectNode o) throws Exception {
    return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(o);
  }
}
