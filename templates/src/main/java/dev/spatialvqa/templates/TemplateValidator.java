package dev.spatialvqa.templates;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks the catalog: ids, kinds, counts (at least 20 questions and 10 answers; predicates 10 true
 * and 10 false; tie answers for comparisons), placeholders (only known ones, objects used exactly
 * once in each question and never invented in answers, {@code [X]} exactly once in every
 * quantitative value answer), duplicates (case and spacing insensitive) and bracket typos.
 */
public final class TemplateValidator {
  public static final int MIN_QUESTIONS = 20;
  public static final int MIN_ANSWERS = 10;
  public static final Set<String> KNOWN_PLACEHOLDERS = Set.of("[A]", "[B]", "[X]", "[C]", "[O]");
  private static final Pattern BRACKETED = Pattern.compile("\\[[^\\[\\]]*\\]");
  private static final Pattern ID = Pattern.compile("[a-z][a-z0-9_]*");

  /** Questions must not name a unit: the answer's unit system is chosen per question. */
  private static final Pattern UNIT_WORD =
      Pattern.compile(
          "(?i)\\b(meters?|metres?|centimeters?|centimetres?|cm|feet|foot|inch(es)?)\\b");

  private TemplateValidator() {}

  /** All problems of a catalog; empty when valid. */
  public static List<String> validate(TemplateCatalog catalog) {
    List<String> problems = new ArrayList<>();
    if (catalog.byFileKey().isEmpty()) {
      problems.add("catalog is empty");
    }
    for (Map.Entry<String, QuestionType> e : catalog.byFileKey().entrySet()) {
      if (!e.getKey().equals(e.getValue().id())) {
        problems.add(e.getKey() + ": file name and id '" + e.getValue().id() + "' differ");
      }
      problems.addAll(validate(e.getValue()));
    }
    return problems;
  }

  /** All problems of one type, each prefixed with its id. */
  public static List<String> validate(QuestionType t) {
    List<String> p = new ArrayList<>();
    String id = t.id() == null ? "?" : t.id();
    if (t.id() == null || !ID.matcher(t.id()).matches()) {
      p.add(id + ": id must match " + ID.pattern());
    }
    boolean quant = QuestionType.QUANTITATIVE.equals(t.kind());
    if (!quant && !QuestionType.QUALITATIVE.equals(t.kind())) {
      p.add(id + ": kind must be qualitative or quantitative, got " + t.kind());
    }
    String fam = t.family();
    Set<String> groups;
    if ("predicate".equals(fam) || "choice".equals(fam)) {
      if (quant) {
        p.add(id + ": family " + fam + " must be qualitative");
      }
      groups = "predicate".equals(fam) ? Set.of("true", "false", "tie") : Set.of("chosen", "tie");
    } else if ("quantitative".equals(fam)) {
      if (!quant) {
        p.add(id + ": family quantitative must have kind quantitative");
      }
      groups = Set.of("value", "tie");
      if (t.unit() != null && !Set.of("length", "clock").contains(t.unit())) {
        p.add(id + ": unit must be length or clock, got " + t.unit());
      }
    } else {
      p.add(id + ": family must be predicate, choice or quantitative, got " + fam);
      return p;
    }
    // declared placeholders
    Set<String> declared = new HashSet<>(t.placeholders());
    for (String ph : t.placeholders()) {
      if (!Set.of("[A]", "[B]", "[X]").contains(ph)) {
        p.add(id + ": unknown declared placeholder " + ph);
      }
    }
    if (!declared.contains("[A]")) {
      p.add(id + ": placeholders must include [A]");
    }
    if (quant != declared.contains("[X]")) {
      p.add(id + ": [X] must be declared exactly for quantitative types");
    }
    if (!"quantitative".equals(fam) && !declared.contains("[B]")) {
      p.add(id + ": comparisons need [A] and [B]");
    }
    if (t.placeholders().size() != declared.size()) {
      p.add(id + ": duplicate declared placeholders");
    }
    List<String> objects = new ArrayList<>();
    for (String o : List.of("[A]", "[B]")) {
      if (declared.contains(o)) {
        objects.add(o);
      }
    }
    // questions
    if (t.questions().size() < MIN_QUESTIONS) {
      p.add(id + ": " + t.questions().size() + " question templates, need >= " + MIN_QUESTIONS);
    }
    checkDuplicates(id, "questions", t.questions(), p);
    for (String q : t.questions()) {
      checkText(id, q, p);
      if (UNIT_WORD.matcher(q).find()) {
        p.add(id + ": question names a unit (answers choose metric or imperial): " + q);
      }
      for (String o : objects) {
        if (count(q, o) != 1) {
          p.add(id + ": question must use " + o + " exactly once: " + q);
        }
      }
      for (String ph : placeholdersIn(q)) {
        if (!objects.contains(ph) && KNOWN_PLACEHOLDERS.contains(ph)) {
          p.add(id + ": question may not use " + ph + ": " + q);
        }
      }
    }
    // answers
    for (String g : t.answers().keySet()) {
      if (!groups.contains(g)) {
        p.add(id + ": unknown answer group '" + g + "' (allowed " + groups + ")");
      }
    }
    if (t.answerTemplateCount() < MIN_ANSWERS) {
      p.add(id + ": " + t.answerTemplateCount() + " answer templates, need >= " + MIN_ANSWERS);
    }
    switch (fam) {
      case "predicate" -> {
        need(id, t, "true", MIN_ANSWERS, p);
        need(id, t, "false", MIN_ANSWERS, p);
        need(id, t, "tie", 1, p);
      }
      case "choice" -> {
        need(id, t, "chosen", MIN_ANSWERS, p);
        need(id, t, "tie", 1, p);
      }
      default -> need(id, t, "value", MIN_ANSWERS, p);
    }
    for (Map.Entry<String, List<String>> e : t.answers().entrySet()) {
      String g = e.getKey();
      checkDuplicates(id, "answers." + g, e.getValue(), p);
      Set<String> allowed = new HashSet<>(objects);
      if ("value".equals(g)) {
        allowed.add("[X]");
      }
      if ("choice".equals(fam) && "chosen".equals(g)) {
        allowed.add("[C]");
        allowed.add("[O]");
      }
      for (String a : e.getValue()) {
        checkText(id, a, p);
        for (String ph : placeholdersIn(a)) {
          if (KNOWN_PLACEHOLDERS.contains(ph) && !allowed.contains(ph)) {
            p.add(id + ": answers." + g + " may not use " + ph + ": " + a);
          }
        }
        if ("value".equals(g) && count(a, "[X]") != 1) {
          p.add(id + ": value answer must state [X] exactly once: " + a);
        }
        if ("chosen".equals(g) && count(a, "[C]") != 1) {
          p.add(id + ": chosen answer must name [C] exactly once: " + a);
        }
      }
    }
    return p;
  }

  // ---- the multi-step catalog ----

  public static final int MIN_MULTISTEP_QUESTIONS = 8;
  public static final int MIN_MULTISTEP_ANSWERS = 5;
  public static final int MIN_STEP_PHRASINGS = 3;
  public static final int MIN_FAMILIES = 10;

  /** Placeholders of step phrasings (see {@link MultiStepCatalog}). */
  public static final Set<String> STEP_PLACEHOLDERS =
      Set.of("[P]", "[Q]", "[S]", "[V]", "[W]", "[L]", "[N]", "[R]");

  private static final Set<String> MULTI_OBJECTS = Set.of("[A]", "[B]", "[C]", "[D]");

  /**
   * All problems of the multi-step catalog: at least {@value #MIN_FAMILIES} families; per family
   * the id, answer type, objects declared in order ([A], [B], ...: 2-4 of them), 2-4 steps kinds
   * all phrased in steps.json, at least {@value #MIN_MULTISTEP_QUESTIONS} questions using each
   * object and [R] exactly once (and nothing else), no unit words, at least {@value
   * #MIN_MULTISTEP_ANSWERS} answers per required group with its value placeholder exactly once; per
   * step kind at least {@value #MIN_STEP_PHRASINGS} phrasings with only step placeholders; step
   * kinds no family uses; duplicates and bracket typos everywhere.
   */
  public static List<String> validate(MultiStepCatalog catalog) {
    List<String> p = new ArrayList<>();
    if (catalog.byFileKey().size() < MIN_FAMILIES) {
      p.add("multistep: " + catalog.byFileKey().size() + " families, need >= " + MIN_FAMILIES);
    }
    Set<String> used = new HashSet<>();
    for (Map.Entry<String, MultiStepFamily> e : catalog.byFileKey().entrySet()) {
      MultiStepFamily f = e.getValue();
      if (!e.getKey().equals(f.id())) {
        p.add(e.getKey() + ": file name and id '" + f.id() + "' differ");
      }
      p.addAll(validate(f, catalog.steps().keySet()));
      used.addAll(f.steps());
    }
    for (Map.Entry<String, List<String>> e : catalog.steps().entrySet()) {
      String k = "steps." + e.getKey();
      if (!ID.matcher(e.getKey()).matches()) {
        p.add(k + ": step kind must match " + ID.pattern());
      }
      if (!used.contains(e.getKey())) {
        p.add(k + ": no family uses this step kind");
      }
      if (e.getValue().size() < MIN_STEP_PHRASINGS) {
        p.add(k + ": " + e.getValue().size() + " phrasings, need >= " + MIN_STEP_PHRASINGS);
      }
      checkDuplicates(k, "phrasings", e.getValue(), p);
      for (String s : e.getValue()) {
        checkText(k, s, p, STEP_PLACEHOLDERS);
      }
    }
    return p;
  }

  /** Problems of one family; {@code stepKinds}: the kinds steps.json phrases. */
  public static List<String> validate(MultiStepFamily f, Set<String> stepKinds) {
    List<String> p = new ArrayList<>();
    String id = f.id() == null ? "?" : f.id();
    if (f.id() == null || !ID.matcher(f.id()).matches()) {
      p.add(id + ": id must match " + ID.pattern());
    }
    Map<String, String> required =
        Map.of("object", "[W]", "value", "[X]", "label", "[L]", "count", "[N]");
    List<String> groups =
        switch (f.answer() == null ? "" : f.answer()) {
          case "object" -> List.of("chosen");
          case "bool" -> List.of("true", "false");
          case "value", "label", "count" -> List.of("value");
          default -> {
            p.add(id + ": answer must be object, bool, value, label or count, got " + f.answer());
            yield List.of();
          }
        };
    List<String> objects = new ArrayList<>();
    for (String o : MultiStepCatalog.OBJECTS) {
      if (f.placeholders().contains(o)) {
        objects.add(o);
      }
    }
    if (objects.size() < 2
        || !objects.equals(MultiStepCatalog.OBJECTS.subList(0, objects.size()))) {
      p.add(
          id
              + ": placeholders must declare 2-4 objects in order [A], [B], ...: "
              + f.placeholders());
    }
    for (String ph : f.placeholders()) {
      if (!MULTI_OBJECTS.contains(ph) && !ph.equals("[R]")) {
        p.add(id + ": unknown declared placeholder " + ph);
      }
    }
    if (f.placeholders().contains("[R]") != "count".equals(f.answer())) {
      p.add(id + ": [R] (the radius) is declared exactly by count families");
    }
    if (new HashSet<>(f.placeholders()).size() != f.placeholders().size()) {
      p.add(id + ": duplicate declared placeholders");
    }
    if (f.steps().size() < 2) {
      p.add(id + ": a multi-step family needs at least 2 step kinds, has " + f.steps());
    }
    for (String s : f.steps()) {
      if (!stepKinds.contains(s)) {
        p.add(id + ": step kind '" + s + "' has no phrasings in steps.json");
      }
    }
    if (f.questions().size() < MIN_MULTISTEP_QUESTIONS) {
      p.add(
          id
              + ": "
              + f.questions().size()
              + " question templates, need >= "
              + MIN_MULTISTEP_QUESTIONS);
    }
    checkDuplicates(id, "questions", f.questions(), p);
    Set<String> inQuestions = new HashSet<>(f.placeholders());
    for (String q : f.questions()) {
      checkText(id, q, p, MultiStepCatalog.OBJECTS_AND_RADIUS);
      if (UNIT_WORD.matcher(q).find()) {
        p.add(id + ": question names a unit (answers choose metric or imperial): " + q);
      }
      for (String ph : f.placeholders()) {
        if (count(q, ph) != 1) {
          p.add(id + ": question must use " + ph + " exactly once: " + q);
        }
      }
      for (String ph : placeholdersIn(q)) {
        if (!inQuestions.contains(ph)) {
          p.add(id + ": question may not use " + ph + ": " + q);
        }
      }
    }
    for (String g : f.answers().keySet()) {
      if (!groups.contains(g)) {
        p.add(id + ": unknown answer group '" + g + "' (allowed " + groups + ")");
      }
    }
    for (String g : groups) {
      List<String> as = f.answers(g);
      if (as.size() < MIN_MULTISTEP_ANSWERS) {
        p.add(
            id
                + ": answers."
                + g
                + " has "
                + as.size()
                + " templates, need >= "
                + MIN_MULTISTEP_ANSWERS);
      }
      checkDuplicates(id, "answers." + g, as, p);
      Set<String> allowed = new HashSet<>(objects);
      String need = required.get(f.answer());
      if (need != null) {
        allowed.add(need);
      }
      if ("value".equals(f.answer())) {
        allowed.add("[L]");
      }
      for (String a : as) {
        checkText(id, a, p, MultiStepCatalog.ANSWER_PLACEHOLDERS);
        for (String ph : placeholdersIn(a)) {
          if (!allowed.contains(ph)) {
            p.add(id + ": answers." + g + " may not use " + ph + ": " + a);
          }
        }
        if (need != null && !"bool".equals(f.answer()) && count(a, need) != 1) {
          p.add(id + ": answers." + g + " must state " + need + " exactly once: " + a);
        }
      }
    }
    return p;
  }

  private static void need(String id, QuestionType t, String group, int min, List<String> p) {
    if (t.answers(group).size() < min) {
      p.add(
          id
              + ": answers."
              + group
              + " has "
              + t.answers(group).size()
              + " templates, need >= "
              + min);
    }
  }

  private static void checkText(String id, String s, List<String> p) {
    checkText(id, s, p, KNOWN_PLACEHOLDERS);
  }

  private static void checkText(String id, String s, List<String> p, Set<String> known) {
    if (s == null || s.isBlank()) {
      p.add(id + ": empty template");
      return;
    }
    if (!s.equals(s.strip()) || s.contains("  ")) {
      p.add(id + ": stray spaces in: '" + s + "'");
    }
    for (String ph : placeholdersIn(s)) {
      if (!known.contains(ph)) {
        p.add(id + ": unknown placeholder " + ph + " in: " + s);
      }
    }
    String rest = BRACKETED.matcher(s).replaceAll("");
    if (rest.indexOf('[') >= 0 || rest.indexOf(']') >= 0) {
      p.add(id + ": unbalanced bracket in: " + s);
    }
    char first = s.charAt(0);
    if (!(Character.isUpperCase(first) || first == '[')) {
      p.add(id + ": must start with a capital letter or a placeholder: " + s);
    }
    char last = s.charAt(s.length() - 1);
    if (last != '.' && last != '?' && last != '!') {
      p.add(id + ": must end with . ? or !: " + s);
    }
  }

  private static void checkDuplicates(String id, String where, List<String> xs, List<String> p) {
    Set<String> seen = new HashSet<>();
    for (String x : xs) {
      String norm = x == null ? "" : x.toLowerCase(Locale.ROOT).replaceAll("\\s+", " ").strip();
      if (!seen.add(norm)) {
        p.add(id + ": duplicate in " + where + ": " + x);
      }
    }
  }

  static List<String> placeholdersIn(String s) {
    List<String> out = new ArrayList<>();
    Matcher m = BRACKETED.matcher(s);
    while (m.find()) {
      out.add(m.group());
    }
    return out;
  }

  private static int count(String s, String needle) {
    int n = 0;
    for (int i = s.indexOf(needle); i >= 0; i = s.indexOf(needle, i + 1)) {
      n++;
    }
    return n;
  }
}
