package dev.spatialvqa.templates;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.io.Serializable;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One multi-step family of the second catalog, as read from {@code multistep/<id>.json}: a small
 * program of 2-4 measurements and decisions over the scene (its semantics live in core's {@code
 * MultiStepGenerator}), with question and answer templates. The trace of each step comes from the
 * step kinds of {@code multistep/steps.json}.
 *
 * <p>Question placeholders: the objects {@code [A]} to {@code [D]} in order, and {@code [R]} (a
 * radius, {@code count} families). Answer placeholders by {@code answer} type: {@code object}:
 * group {@code chosen} with {@code [W]} (the object answered); {@code bool}: groups {@code true}
 * and {@code false}; {@code value}: group {@code value} with {@code [X]} (the quantity) and
 * optionally {@code [L]} (a direction word); {@code label}: group {@code value} with {@code [L]} (a
 * category or an ordered list); {@code count}: group {@code value} with {@code [N]}.
 */
public final class MultiStepFamily implements Serializable {
  private static final long serialVersionUID = 1L;

  private final String id;
  private final String answer;
  private final boolean vertical;
  private final List<String> placeholders;
  private final List<String> steps;
  private final List<String> questions;
  private final Map<String, List<String>> answers;

  @JsonCreator
  public MultiStepFamily(
      @JsonProperty(value = "id", required = true) String id,
      @JsonProperty(value = "answer", required = true) String answer,
      @JsonProperty("vertical") boolean vertical,
      @JsonProperty(value = "placeholders", required = true) List<String> placeholders,
      @JsonProperty(value = "steps", required = true) List<String> steps,
      @JsonProperty(value = "questions", required = true) List<String> questions,
      @JsonProperty(value = "answers", required = true) Map<String, List<String>> answers) {
    this.id = id;
    this.answer = answer;
    this.vertical = vertical;
    this.placeholders = placeholders == null ? List.of() : List.copyOf(placeholders);
    this.steps = steps == null ? List.of() : List.copyOf(steps);
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

  /** {@code object}, {@code bool}, {@code value}, {@code label} or {@code count}. */
  public String answer() {
    return answer;
  }

  /** True when a step needs gravity (asked only for canonicalized scenes). */
  public boolean vertical() {
    return vertical;
  }

  public List<String> placeholders() {
    return placeholders;
  }

  /** The step kinds the program may emit (every one must be in steps.json). */
  public List<String> steps() {
    return steps;
  }

  /** How many objects the questions name ([A].. in order). */
  public int objectCount() {
    int n = 0;
    for (String o : MultiStepCatalog.OBJECTS) {
      if (placeholders.contains(o)) {
        n++;
      }
    }
    return n;
  }

  public List<String> questions() {
    return questions;
  }

  public Map<String, List<String>> answers() {
    return answers;
  }

  public List<String> answers(String group) {
    return answers.getOrDefault(group, List.of());
  }
}
