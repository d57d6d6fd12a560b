package dev.spatialvqa.core.ingest;

import java.io.IOException;
import java.io.Reader;

/**
 * Splits a text file into lines like {@link java.io.BufferedReader#readLine()} ({@code \n}, {@code
 * \r\n} or {@code \r}), but never holds more than {@link #MAX_LINE_CHARS} of one line: a longer
 * line (or an endless file with no newline, such as {@code /dev/zero}) is reported by its length
 * and skipped, so one bad line cannot exhaust memory. A byte-order mark at the start of the file is
 * not part of line 1.
 */
public final class LineReader {
  /** Longest line kept, in chars: far above any manifest line or crawl record (1 Mi). */
  public static final int MAX_LINE_CHARS = 1 << 20;

  private final Reader in;

  private final int maxChars;
  private final StringBuilder line = new StringBuilder();
  private long dropped;
  private boolean first = true;
  private int pending = -2;

  public LineReader(Reader in) {
    this(in, MAX_LINE_CHARS);
  }

  LineReader(Reader in, int maxChars) {
    this.in = in;
    this.maxChars = maxChars;
  }

  /** One line: its text, or null with {@code chars} set when it was over the cap. */
  public record Line(String text, long chars) {
    public boolean tooLong() {
      return text == null;
    }
  }

  /** The next line, or null at the end of the input. */
  public Line next() throws IOException {
    line.setLength(0);
    dropped = 0;
    boolean any = false;
    while (true) {
      int c = pending != -2 ? pending : in.read();
      pending = -2;
      if (first) {
        first = false;
        if (c == '\uFEFF') {
          continue;
        }
      }
      if (c < 0) {
        return any ? finish() : null;
      }
      any = true;
      if (c == '\n') {
        return finish();
      }
      if (c == '\r') {
        int d = in.read();
        if (d != '\n') {
          pending = d;
        }
        return finish();
      }
      if (line.length() < maxChars && dropped == 0) {
        line.append((char) c);
      } else {
        if (dropped == 0) {
          dropped = line.length();
          line.setLength(0);
        }
        dropped++;
      }
    }
  }

  private Line finish() {
    if (dropped > 0) {
      return new Line(null, dropped);
    }
    return new Line(line.toString(), line.length());
  }
}
