package dev.spatialvqa.core.ingest;

import java.io.Serializable;
import java.util.Objects;

/**
 * One line (or message) of crawl input with where it came from: a file URI and 1-based line number,
 * or a stream reference ({@code kafka://BOOTSTRAP/TOPIC/PARTITION@OFFSET}, {@code
 * pubsub:SUBSCRIPTION#MESSAGE_ID}) with no line.
 */
public final class SourceLine implements Serializable {
  private static final long serialVersionUID = 1L;

  private final String uri;
  private final Long line;
  private final String text;
  private final long tooLongChars;

  public SourceLine(String uri, Long line, String text) {
    this(uri, line, text, 0);
  }

  private SourceLine(String uri, Long line, String text, long tooLongChars) {
    this.uri = uri;
    this.line = line;
    this.text = text;
    this.tooLongChars = tooLongChars;
  }

  /**
   * A line longer than {@link LineReader#MAX_LINE_CHARS}: its text was not kept, only its length
   * (it becomes a {@code line_too_long} dead letter).
   */
  public static SourceLine tooLong(String uri, Long line, long chars) {
    return new SourceLine(uri, line, null, chars);
  }

  /** True for a line over the length cap (its {@link #text()} is null). */
  public boolean isTooLong() {
    return tooLongChars > 0;
  }

  /** The length of a line over the cap, else 0. */
  public long tooLongChars() {
    return tooLongChars;
  }

  /** The dead-letter message for a line over the cap. */
  public String tooLongMessage() {
    return "line "
        + line
        + " has "
        + tooLongChars
        + " characters, more than the cap of "
        + LineReader.MAX_LINE_CHARS
        + " (is this a text file?)";
  }

  public String uri() {
    return uri;
  }

  public Long line() {
    return line;
  }

  public String text() {
    return text;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof SourceLine)) {
      return false;
    }
    SourceLine s = (SourceLine) o;
    return Objects.equals(uri, s.uri)
        && Objects.equals(line, s.line)
        && Objects.equals(text, s.text)
        && tooLongChars == s.tooLongChars;
  }

  @Override
  public int hashCode() {
    return Objects.hash(uri, line, text);
  }

  @Override
  public String toString() {
    return uri + (line == null ? "" : ":" + line);
  }
}
