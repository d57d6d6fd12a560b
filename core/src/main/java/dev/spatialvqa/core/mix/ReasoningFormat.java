package dev.spatialvqa.core.mix;

import java.io.Serializable;
import java.util.Locale;

/**
 * How a QA's reasoning trace ({@code QaRecord.reasoning_trace}, written for multi-step families) is
 * put into the assistant turn before its answer, the way {@code export --reasoning=} writes it and
 * the mix gate ({@code --exportReasoning=}) counts it: one place, so the exported tokens are the
 * counted ones.
 *
 * <ul>
 *   <li>{@code none} (default): the answer alone; traces are not trained on.
 *   <li>{@code think}: {@code "<think>\n{trace}\n</think>\n\n{answer}"} (the R1-style tags).
 *   <li>any other value is a template containing {@code {trace}}, prepended to the answer, with the
 *       two-character escapes {@code \n} and {@code \t} turned into a newline and a tab, e.g.
 *       {@code "<reasoning>{trace}</reasoning>\n"}.
 * </ul>
 *
 * Records without a trace (single-step types) get the answer alone in every format.
 */
public final class ReasoningFormat implements Serializable {
  private static final long serialVersionUID = 1L;

  public static final String NONE = "none";
  public static final String THINK = "think";
  static final String THINK_TEMPLATE = "<think>\n{trace}\n</think>\n\n";

  private final String name;
  private final String template;

  private ReasoningFormat(String name, String template) {
    this.name = name;
    this.template = template;
  }

  public static ReasoningFormat none() {
    return new ReasoningFormat(NONE, null);
  }

  /** {@code none}, {@code think} or a template with {@code {trace}}; null or blank is none. */
  public static ReasoningFormat of(String spec) {
    if (spec == null || spec.isBlank() || spec.trim().equalsIgnoreCase(NONE)) {
      return none();
    }
    if (spec.trim().toLowerCase(Locale.ROOT).equals(THINK)) {
      return new ReasoningFormat(THINK, THINK_TEMPLATE);
    }
    String t = spec.replace("\\n", "\n").replace("\\t", "\t");
    if (!t.contains("{trace}")) {
      throw new IllegalArgumentException(
          "reasoning='"
              + spec
              + "' is neither none, think nor a template containing {trace} (e.g."
              + " '<think>{trace}</think>\\n')");
    }
    return new ReasoningFormat("custom", t);
  }

  /** {@code none}, {@code think} or {@code custom}. */
  public String name() {
    return name;
  }

  /** What identifies this format in mixture.json: the name, or the custom template. */
  public String id() {
    return name.equals("custom") ? template : name;
  }

  public boolean isNone() {
    return template == null;
  }

  /** The assistant text of a QA: its trace in the template, then its answer. */
  public String assistant(String answer, String trace) {
    if (template == null || trace == null || trace.isBlank()) {
      return answer;
    }
    int i = template.indexOf("{trace}");
    return template.substring(0, i) + trace + template.substring(i + "{trace}".length()) + answer;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ReasoningFormat r && id().equals(r.id());
  }

  @Override
  public int hashCode() {
    return id().hashCode();
  }

  @Override
  public String toString() {
    return id();
  }
}
