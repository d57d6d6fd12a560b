package dev.spatialvqa.pipelines.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spatialvqa.templates.MultiStepCatalog;
import dev.spatialvqa.templates.MultiStepFamily;
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
    return "usage: spatialvqa templates [--multistep] [--json]\n\n"
        + "Lists every question type of the bundled template catalog (validated on load) with its kind\n"
        + "and the number of question and answer templates. With --json: one JSON array, one object per\n"
        + "type with id, kind, question_templates and answer_templates. With --multistep: the\n"
        + "multi-step catalog's families instead (id, answer type, step kinds, template counts).";
  }

  @Override
  public int run(List<String> args, PrintStream out, PrintStream err) throws Exception {
    for (String a : args) {
      if (!a.equals("--json") && !a.equals("--multistep")) {
        String why = Args.unknownOption(List.of(a), "json", "multistep");
        err.println(
            "spatialvqa templates: " + (why != null ? why : "unknown argument '" + a + "'") + "\n");
        err.println(help());
        return 2;
      }
    }
    if (args.contains("--multistep")) {
      return multiStep(args.contains("--json"), out);
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

  private static int multiStep(boolean asJson, PrintStream out) throws Exception {
    MultiStepCatalog c = MultiStepCatalog.bundled();
    if (asJson) {
      ObjectMapper json = new ObjectMapper();
      ArrayNode arr = json.createArrayNode();
      for (MultiStepFamily f : c.families()) {
        ObjectNode o = arr.addObject();
        o.put("id", f.id());
        o.put("answer", f.answer());
        o.put("objects", f.objectCount());
        o.put("vertical", f.vertical());
        ArrayNode st = o.putArray("steps");
        f.steps().forEach(st::add);
        o.put("question_templates", f.questions().size());
        o.put("answer_templates", f.answers().values().stream().mapToInt(List::size).sum());
      }
      out.println(json.writeValueAsString(arr));
      return 0;
    }
    out.println(
        String.format(
            "%-18s %-7s %7s %9s %7s  %s",
            "id", "answer", "objects", "questions", "answers", "steps"));
    for (MultiStepFamily f : c.families()) {
      out.println(
          String.format(
              "%-18s %-7s %7d %9d %7d  %s%s",
              f.id(),
              f.answer(),
              f.objectCount(),
              f.questions().size(),
              f.answers().values().stream().mapToInt(List::size).sum(),
              String.join(", ", f.steps()),
              f.vertical() ? " (vertical: canonicalized scenes with a floor)" : ""));
    }
    out.println(
        c.families().size()
            + " multi-step families, "
            + c.steps().size()
            + " step kinds with "
            + c.steps().values().stream().mapToInt(List::size).sum()
            + " phrasings");
    return 0;
  }
}
