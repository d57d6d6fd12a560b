package dev.spatialvqa.templates;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.io.Serializable;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One question type of the catalog, as read from {@code templates/<id>.json}.
 *
 * <p>Placeholders: {@code [A]} and {@code [B]} are the objects' referring expressions, {@code [X]}
 * the stated quantity (quantitative answers), {@code [C]} the chosen object and {@code [O]} the
 * other one (answers of "which one" questions).
 *
 * <p>Answer groups by family: {@code predicate}: {@code true}, {@code false}, {@code tie}; {@code
 * choice}: {@code chosen}, {@code tie}; {@code quantitative}: {@code value} and optionally {@code
 * tie} (the comparison is within the margin: "about the same", "touching", "on the floor").
 */
public final class QuestionType implements Serializable {
  private static final long serialVersionUID = 1L;

  public static final String QUALITATIVE = "qualitative";
  public static final String QUANTITATIVE = "quantitative";

  private final String id;
  private final String kind;
  private final String family;
  private final boolean vertical;
  private final String unit;
  private final List<String> placeholders;
  private final List<String> questions;
  private final Map<String, List<String>> answers;

  @JsonCreator
  public QuestionType(
      @JsonProperty(value = "id", required = true) String id,
      @JsonProperty(value = "kind", required = true) String kind,
      @JsonProperty(value = "family", required = true) String family,
      @JsonProperty("vertical") boolean vertical,
      @JsonProperty("unit") String unit,
      @JsonProperty(value = "placeholders", required = true) List<String> placeholders,
      @JsonProperty(value = "questions", required = true) List<String> questions,
      @JsonProperty(value = "answers", required = true) Map<String, List<String>> answers) {
    this.id = id;
    this.kind = kind;
    this.family = family;
    this.vertical = vertical;
    this.unit = unit;
    this.placeholders = placeholders == null ? List.of() : List.copyOf(placeholders);
    this.questions = questions == null ? List.of() : List.copyOf(questions);
    Map<String, List<String>> a = new LinkedHashMap<>();
    if (answers != null) {
      answers.forEach((k, v) -> a.put(k, v == null ? List.of() : List.copyOf(v)));
    }
    this.answers = Collections.unmodifiableMap(a);
  }

  public String id() {
    return id;
  }

  /** {@code qualitative} or {@code quantitative}. */
  public String kind() {
    return kind;
  }

  /** {@code predicate}, {@code choice} or {@code quantitative}. */
  public String family() {
    return family;
  }

  /** True when the type needs gravity (asked only for canonicalized scenes). */
  public boolean vertical() {
    return vertical;
  }

  /** For quantitative types: {@code length} (default) or {@code clock}; null otherwise. */
  public String unit() {
    return unit;
  }

  public List<String> placeholders() {
    return placeholders;
  }

  /** Number of objects the questions refer to (1 or 2). */
  public int objectCount() {
    return placeholders.contains("[B]") ? 2 : 1;
  }

  public List<String> questions() {
    return questions;
  }

  public Map<String, List<String>> answers() {
    return answers;
  }

  /** The answer templates of one group, empty when the group is absent. */
  public List<String> answers(String group) {
    return answers.getOrDefault(group, List.of());
  }

  public int answerTemplateCount() {
    return answers.values().stream().mapToInt(List::size).sum();
  }
}
