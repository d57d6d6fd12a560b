package dev.spatialvqa.pipelines.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spatialvqa.core.answers.PredictionScorer;
import dev.spatialvqa.schemas.QaRecord;
import java.io.BufferedReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code eval --qa=DIR --predictions=FILE --output=DIR}: scores a trained model's free-text answers
 * to the engine's questions ({@link PredictionScorer}) and writes {@code DIR/eval.json} and a
 * table.
 */
final class EvalCommand implements Command {
  /** Cap on one predictions line. */
  static final int MAX_LINE_CHARS = 1 << 20;

  @Override
  public String name() {
    return "eval";
  }

  @Override
  public String summary() {
    return "score a trained VLM's answers to the QA: --qa=DIR --predictions=FILE --output=DIR";
  }

  @Override
  public String help() {
    return """
        usage: spatialvqa eval --qa=DIR --predictions=FILE --output=DIR [--overwrite]

        Scores a model's free-text answers to the engine's questions.
          --qa=DIR           QaRecord Avro files (a run's output folder: its qa/; or any folder/file)
          --predictions=FILE JSON Lines, one answer each:
                               {"qa_id": "...", "prediction": "about 1.5 meters"}
                             or, joined on question and image (as `export` writes them):
                               {"question": "...", "image": "file:///...", "prediction": "..."}
                             ("image_uri" or "images": [uri] also name the image; without one,
                             or when the image names no QA, the question alone must be unique:
                             predictions_joined_on_question_only)
          --output=DIR       writes DIR/eval.json; a table goes to stdout
        Answers are parsed: yes/no and paraphrases; which of two objects by referring expression
        (the first one named that is not negated: "not A", "than A"; "the former/latter"); lengths
        with units ("1.5m", "about 3 feet 2 inches", "two meters", "45 cm", "5'3\\"", ranges give
        their midpoint; a bare number counts as metres and is counted in lengths_without_unit);
        clock directions ("at 3 o'clock", "3:30", "to the right" = 3); refusals ("I can't tell").
        Metrics (percentages; in total, by_kind and by_question_type):
          qualitative_accuracy_pct    yes/no and which-of-two answers agreeing with the label
                                      (a tie label needs a tie answer)
          output_number_pct           quantitative answers holding a usable number (SpatialVLM)
          within_0_5_2_pct            lengths with pred/gt in [0.5, 2] (SpatialVLM, Q-Spatial)
          within_25pct_pct            lengths within +-25% (SpatialRGPT-Bench)
          mean_relative_accuracy_pct  lengths, mean over thresholds 0.50..0.95 of
                                      |pred-gt|/gt < 1-threshold (VSI-Bench, SPAR-Bench)
          direction_within_1h_pct     clock directions within one hour
          quantitative_tie_accuracy_pct  labels "about the same", "touching", "on the floor": a tie
                                      answer, or a length within the label's margin_si
          unparsed, refusals          answers that said nothing usable / declined
        The truth of a length is the value the label states (its unit_text, with its rounding),
        else value_si. Unparsed answers and refusals count as misses.
        Exit codes: 0 scored; 1 unreadable input; 2 bad arguments or a malformed predictions line.
        """;
  }

  @Override
  public int run(List<String> args, PrintStream out, PrintStream err) throws Exception {
    String unknownOption = Args.unknownOption(args, "qa", "predictions", "output", "overwrite");
    if (unknownOption != null) {
      err.println("spatialvqa eval: " + unknownOption + "\n");
      err.println(help());
      return 2;
    }
    String qaArg = Args.value(args, "qa");
    String predArg = Args.value(args, "predictions");
    String outArg = Args.value(args, "output");
    if (qaArg == null || predArg == null || outArg == null || !Args.positional(args).isEmpty()) {
      err.println("spatialvqa eval: need --qa=DIR, --predictions=FILE and --output=DIR\n");
      err.println(help());
      return 2;
    }
    Path qaDir = Path.of(qaArg);
    Path predictions = Path.of(predArg);
    for (Path p : List.of(qaDir, predictions)) {
      if (!Files.exists(p)) {
        err.println("spatialvqa eval: no such file or folder: " + p);
        return 1;
      }
    }
    Path outDir = Path.of(outArg);
    Path evalJson = outDir.resolve("eval.json");
    if (Files.exists(evalJson) && !Args.flag(args, "overwrite")) {
      err.println("spatialvqa eval: " + evalJson + " exists (pass --overwrite to replace it)");
      return 2;
    }
    if (Files.isDirectory(qaDir.resolve("qa"))) {
      qaDir = qaDir.resolve("qa");
    }
    Map<String, List<QaRecord>> byImage = ExportCommand.readByImage(qaDir, err);
    if (byImage == null) {
      return 1;
    }
    Map<String, QaRecord> byId = new LinkedHashMap<>();
    Map<String, QaRecord> byQuestionImage = new HashMap<>();
    Map<String, List<QaRecord>> byQuestion = new HashMap<>();
    for (List<QaRecord> l : byImage.values()) {
      for (QaRecord q : l) {
        byId.put(q.getQaId(), q);
        byQuestionImage.put(q.getQuestion() + "\u0000" + q.getImageUri(), q);
        byQuestion.computeIfAbsent(q.getQuestion(), k -> new ArrayList<>()).add(q);
      }
    }
    if (byId.isEmpty()) {
      err.println("spatialvqa eval: no QaRecord Avro files under " + qaDir);
      return 1;
    }
    ObjectMapper json = new ObjectMapper();
    Map<String, String> answers = new LinkedHashMap<>();
    long lines = 0;
    long unmatched = 0;
    long ambiguous = 0;
    long duplicates = 0;
    long byQuestionOnly = 0;
    try (BufferedReader r = Files.newBufferedReader(predictions, StandardCharsets.UTF_8)) {
      String line;
      int n = 0;
      while ((line = r.readLine()) != null) {
        n++;
        if (line.isBlank()) {
          continue;
        }
        String where = predictions + " line " + n;
        if (line.length() > MAX_LINE_CHARS) {
          err.println("spatialvqa eval: " + where + " is longer than " + MAX_LINE_CHARS + " chars");
          return 2;
        }
        JsonNode p;
        try {
          p = json.readTree(line);
        } catch (Exception e) {
          err.println("spatialvqa eval: " + where + " is not JSON: " + e.getMessage());
          return 2;
        }
        if (p == null
            || !p.isObject()
            || !p.has("prediction")
            || !p.get("prediction").isTextual() && !p.get("prediction").isNull()) {
          err.println(
              "spatialvqa eval: "
                  + where
                  + " needs a \"prediction\" string (and \"qa_id\", or \"question\" and \"image\")");
          return 2;
        }
        lines++;
        String prediction = p.get("prediction").isNull() ? "" : p.get("prediction").asText();
        QaRecord q;
        if (p.hasNonNull("qa_id")) {
          q = byId.get(p.get("qa_id").asText());
        } else if (p.hasNonNull("question")) {
          String question = p.get("question").asText();
          String image = image(p);
          q = image == null ? null : byQuestionImage.get(question + "\u0000" + image);
          if (q == null && image != null) {
            // images moved or renamed for training: the question alone, when no other QA has it
            List<QaRecord> c = byQuestion.getOrDefault(question, List.of());
            if (c.size() == 1) {
              q = c.get(0);
              byQuestionOnly++;
            }
          } else if (image == null) {
            List<QaRecord> c = byQuestion.getOrDefault(question, List.of());
            q = c.size() == 1 ? c.get(0) : null;
            if (c.size() > 1) {
              ambiguous++;
              continue;
            }
          }
        } else {
          err.println(
              "spatialvqa eval: " + where + " names no \"qa_id\" and no \"question\" to join on");
          return 2;
        }
        if (q == null) {
          unmatched++;
          continue;
        }
        if (answers.putIfAbsent(q.getQaId(), prediction) != null) {
          duplicates++;
        }
      }
    }
    PredictionScorer scorer = new PredictionScorer();
    for (Map.Entry<String, String> a : answers.entrySet()) {
      scorer.add(byId.get(a.getKey()), a.getValue());
    }
    ObjectNode o = json.createObjectNode();
    o.put("qa_dir", qaDir.toString());
    o.put("predictions_file", predictions.toString());
    o.put("qa_records", byId.size());
    o.put("predictions", lines);
    o.put("scored", answers.size());
    o.put("predictions_unmatched", unmatched);
    o.put("predictions_ambiguous_question", ambiguous);
    o.put("predictions_duplicate", duplicates);
    o.put("predictions_joined_on_question_only", byQuestionOnly);
    o.put("qa_without_prediction", byId.size() - answers.size());
    o.put(
        "truth",
        "lengths: the value the label states (unit_text), else value_si; clock: unit_text hours");
    o.setAll(scorer.toJson(json));
    Files.createDirectories(outDir);
    Files.writeString(evalJson, PredictionScorer.toJsonText(o) + "\n");
    out.print(scorer.table());
    out.println(
        "scored "
            + answers.size()
            + " of "
            + lines
            + " predictions ("
            + unmatched
            + " matched no QA, "
            + ambiguous
            + " ambiguous, "
            + duplicates
            + " duplicates; "
            + (byId.size() - answers.size())
            + " of "
            + byId.size()
            + " QA had no prediction); wrote "
            + evalJson);
    if (unmatched > 0 && answers.isEmpty()) {
      err.println(
          "spatialvqa eval: no prediction matched a QA record: check that --qa is the run the"
              + " predictions answer");
      return 1;
    }
    return 0;
  }

  private static String image(JsonNode p) {
    if (p.hasNonNull("image")) {
      return p.get("image").asText();
    }
    if (p.hasNonNull("image_uri")) {
      return p.get("image_uri").asText();
    }
    if (p.has("images") && p.get("images").isArray() && p.get("images").size() > 0) {
      return p.get("images").get(0).asText();
    }
    return null;
  }
}
