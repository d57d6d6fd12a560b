package dev.spatialvqa.pipelines.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spatialvqa.templates.QuestionType;
import dev.spatialvqa.templates.TemplateCatalog;
import java.io.PrintStream;
import java.util.List;

/** {@code templates [--json]}: lists the catalog's question types with their template counts. */
final class TemplatesCommand implements Command {
  @Override
  public String name() {
    return "templates";
  }

  @Override
  public String summary() {
    return "list the QA template catalog's question types and their template counts";
  }

  @Override
  public String help() {
    return "usage: spatialvqa templates [--json]\n\n"
        + "Lists every question type of the bundled template catalog (validated on load) with its kind\n"
        + "and the number of question and answer templates. With --json: one JSON array, one object per\n"
        + "type with id, kind, question_templates and answer_templates.";
  }

  @Override
  public int run(List<String> args, PrintStream out, PrintStream err) throws Exception {
    for (String a : args) {
      if (!a.equals("--json")) {
        String why = Args.unknownOption(List.of(a), "json");
        err.println(
            "spatialvqa templates: " + (why != null ? why : "unknown argument '" + a + "'") + "\n");
        err.println(help());
        return 2;
      }
    }
    List<QuestionType> types = TemplateCatalog.bundled().types();
    if (args.contains("--json")) {
      ObjectMapper json = new ObjectMapper();
      ArrayNode arr = json.createArrayNode();
      for (QuestionType t : types) {
        ObjectNode o = arr.addObject();
        o.put("id", t.id());
        o.put("kind", t.kind());
        o.put("question_templates", t.questions().size());
        o.put("answer_templates", t.answerTemplateCount());
      }
      out.println(json.writeValueAsString(arr));
      return 0;
    }
    out.println(
        String.format("%-22s %-13s %9s %7s  %s", "id", "kind", "questions", "answers", "notes"));
    for (QuestionType t : types) {
      out.println(
          String.format(
              "%-22s %-13s %9d %7d  %s",
              t.id(),
              t.kind(),
              t.questions().size(),
              t.answerTemplateCount(),
              (t.vertical() ? "vertical (canonicalized scenes only)" : "")));
    }
    out.println(types.size() + " question types");
    return 0;
  }
}
