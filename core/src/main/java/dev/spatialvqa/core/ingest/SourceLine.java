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

  public SourceLine(String uri, Long line, String text) {
    this.uri = uri;
    this.line = line;
    this.text = text;
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
        && Objects.equals(text, s.text);
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
