package dev.spatialvqa.core.mix;

import java.io.Serializable;
import java.util.Locale;
import java.util.Map;

/**
 * How one QA is rendered as training text before it is tokenized: a template with the placeholders
 * {@code {question}} and {@code {answer}}. The image is not rendered as text: its tokens are added
 * as a configured count per conversation (see {@link TokenCounter}), because a VLM replaces its
 * image placeholder with a fixed number of vision tokens that the text tokenizer never sees.
 *
 * <p>A conversation of several QA (one per turn, see {@link ExportLayout}) is its turns rendered
 * one after the other ({@link #renderTurn}: the template, ended by a newline when the template does
 * not end with one), see {@link #renderConversation}.
 *
 * <p>Presets (the default is {@code user-assistant}):
 *
 * <ul>
 *   <li>{@code user-assistant}: {@code "USER: {question}\nASSISTANT: {answer}"} (LLaVA-1.5's
 *       single-turn layout without its system prompt)
 *   <li>{@code chatml}: {@code
 *       "<|im_start|>user\n{question}<|im_end|>\n<|im_start|>assistant\n{answer}<|im_end|>\n"}
 *   <li>{@code raw}: {@code "{question}\n{answer}"}
 * </ul>
 *
 * Any other value is taken as a template; it must contain both placeholders, and the two-character
 * escapes {@code \n} and {@code \t} in it are turned into a newline and a tab (so a template can be
 * given on a command line).
 */
public final class ChatFormat implements Serializable {
  private static final long serialVersionUID = 1L;

  public static final String DEFAULT = "user-assistant";

  private static final Map<String, String> PRESETS =
      Map.of(
          "user-assistant", "USER: {question}\nASSISTANT: {answer}",
          "chatml",
              "<|im_start|>user\n{question}<|im_end|>\n<|im_start|>assistant\n{answer}<|im_end|>\n",
          "raw", "{question}\n{answer}");

  private final String name;
  private final String template;

  private ChatFormat(String name, String template) {
    this.name = name;
    this.template = template;
  }

  public static ChatFormat defaultFormat() {
    return of(DEFAULT);
  }

  /** A preset name or a template (see the class comment). */
  public static ChatFormat of(String nameOrTemplate) {
    if (nameOrTemplate == null || nameOrTemplate.isBlank()) {
      return defaultFormat();
    }
    String preset = PRESETS.get(nameOrTemplate.trim().toLowerCase(Locale.ROOT));
    if (preset != null) {
      return new ChatFormat(nameOrTemplate.trim().toLowerCase(Locale.ROOT), preset);
    }
    String t = nameOrTemplate.replace("\\n", "\n").replace("\\t", "\t");
    if (!t.contains("{question}") || !t.contains("{answer}")) {
      throw new IllegalArgumentException(
          "chatFormat='"
              + nameOrTemplate
              + "' is neither a preset "
              + PRESETS.keySet()
              + " nor a template containing {question} and {answer}");
    }
    return new ChatFormat("custom", t);
  }

  /** The preset name, or {@code custom}. */
  public String name() {
    return name;
  }

  public String template() {
    return template;
  }

  /**
   * One user/assistant turn of a conversation: {@link #render} followed by a newline unless the
   * rendered template already ends with one (chatml does).
   */
  public String renderTurn(String question, String answer) {
    String r = render(question, answer);
    return template.endsWith("\n") ? r : r + "\n";
  }

  /** A conversation: its turns ({@code {question, answer}} pairs) rendered in order. */
  public String renderConversation(java.util.List<String[]> turns) {
    StringBuilder sb = new StringBuilder();
    for (String[] t : turns) {
      sb.append(renderTurn(t[0], t[1]));
    }
    return sb.toString();
  }

  /** The text of one QA as trained. */
  public String render(String question, String answer) {
    int q = template.indexOf("{question}");
    int a = template.indexOf("{answer}");
    // Substitute by position so that braces inside the question or answer are kept as they are.
    StringBuilder sb = new StringBuilder(template.length() + question.length() + answer.length());
    if (q < a) {
      sb.append(template, 0, q)
          .append(question)
          .append(template, q + 10, a)
          .append(answer)
          .append(template, a + 8, template.length());
    } else {
      sb.append(template, 0, a)
          .append(answer)
          .append(template, a + 8, q)
          .append(question)
          .append(template, q + 10, template.length());
    }
    return sb.toString();
  }
}
