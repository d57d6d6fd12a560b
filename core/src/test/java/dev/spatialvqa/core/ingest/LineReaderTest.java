package dev.spatialvqa.core.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LineReaderTest {
  private static List<String> lines(String text, int max) throws IOException {
    LineReader r = new LineReader(new StringReader(text), max);
    List<String> out = new ArrayList<>();
    LineReader.Line l;
    while ((l = r.next()) != null) {
      out.add(l.tooLong() ? "TOO_LONG(" + l.chars() + ")" : l.text());
    }
    return out;
  }

  @Test
  void splitsLikeReadLineAndDropsAByteOrderMark() throws IOException {
    assertEquals(List.of("a", "b", "", "c"), lines("\uFEFFa\nb\r\n\r\nc", 100));
    assertEquals(List.of("a", "b"), lines("a\rb\n", 100));
    assertEquals(List.of("\uFEFFx"), lines("\uFEFF\uFEFFx", 100), "only the file's first BOM");
    assertEquals(List.of(), lines("", 100));
  }

  @Test
  void aLineOverTheCapIsReportedByLengthAndTheNextLineIsRead() throws IOException {
    assertEquals(List.of("ok", "TOO_LONG(12)", "next"), lines("ok\nabcdefghijkl\nnext", 10));
    assertEquals(List.of("abcdefghij"), lines("abcdefghij", 10), "exactly at the cap is kept");
  }

  @Test
  void anEndlessInputWithoutNewlinesIsReadInBoundedMemory() throws IOException {
    long total = 50L << 20; // 50 Mi chars of NUL, like /dev/zero
    Reader zeros =
        new Reader() {
          long left = total;

          @Override
          public int read(char[] buf, int off, int len) {
            if (left == 0) {
              return -1;
            }
            int n = (int) Math.min(len, left);
            java.util.Arrays.fill(buf, off, off + n, '\0');
            left -= n;
            return n;
          }

          @Override
          public void close() {}
        };
    LineReader r = new LineReader(new java.io.BufferedReader(zeros));
    LineReader.Line l = r.next();
    assertTrue(l.tooLong());
    assertEquals(total, l.chars());
    assertNull(r.next());
  }

  @Test
  void twoJsonValuesOnOneLineAreRefusedWithoutQuotingTheLine() {
    JsonProcessingException e =
        assertThrows(
            JsonProcessingException.class, () -> JsonLines.read("{\"a\": 1} {\"secret\": 2}"));
    String m = JsonLines.describe(e);
    assertTrue(m.contains("more than one JSON value"), m);
    JsonProcessingException bad =
        assertThrows(JsonProcessingException.class, () -> JsonLines.read("root:x:0:0"));
    assertTrue(!JsonLines.describe(bad).contains("root"), JsonLines.describe(bad));
  }
}
