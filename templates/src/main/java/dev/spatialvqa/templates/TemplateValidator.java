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
    if (s == null || s.isBlank()) {
      p.add(id + ": empty template");
      return;
    }
    if (!s.equals(s.strip()) || s.contains("  ")) {
      p.add(id + ": stray spaces in: '" + s + "'");
    }
    for (String ph : placeholdersIn(s)) {
      if (!KNOWN_PLACEHOLDERS.contains(ph)) {
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
