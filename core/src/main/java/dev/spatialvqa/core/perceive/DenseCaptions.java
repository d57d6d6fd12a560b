package dev.spatialvqa.core.perceive;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses Florence-2's {@code <OD>} / {@code <DENSE_REGION_CAPTION>} output text, decoded with its
 * special tokens: a sequence of {@code caption<loc_x1><loc_y1><loc_x2><loc_y2>} groups (a caption
 * may carry several boxes, four loc tokens each). Loc tokens are bins 0..999 over the image width /
 * height; as Hugging Face's Florence-2 post-processing, the coordinate is the bin's centre {@code
 * (bin + 0.5) * size / 1000} (kept fractional here, HF truncates to int). {@code <s>}, {@code </s>}
 * and {@code <pad>} are removed first; other tags (e.g. {@code <od>}) separate phrases like the HF
 * regex does. Captions are trimmed, lower-cased and reduced to ASCII (HF drops non-ASCII characters
 * too).
 *
 * <p>What the text gets wrong is dropped and counted ({@link #counts}): a phrase without a box
 * ({@code phrase_without_box}, e.g. the tail of a truncated output), boxes without a caption
 * ({@code empty_caption}), a box with {@code x2 <= x1} or {@code y2 <= y1} or a bin beyond 999
 * ({@code degenerate_box}), and one to three loc tokens that do not make a box ({@code
 * incomplete_box}).
 */
public final class DenseCaptions {
  public static final String PHRASE_WITHOUT_BOX = "phrase_without_box";
  public static final String EMPTY_CAPTION = "empty_caption";
  public static final String DEGENERATE_BOX = "degenerate_box";
  public static final String INCOMPLETE_BOX = "incomplete_box";

  /** Loc token bins per axis. */
  public static final int BINS = 1000;

  private static final Pattern TOKEN = Pattern.compile("<loc_(\\d{1,6})>|<[^<>]*>");

  /** The regions in output order and the problems counted while parsing. */
  public record Parsed(List<Region> regions, Map<String, Long> counts) {
    public Parsed {
      regions = List.copyOf(regions);
      counts = Map.copyOf(counts);
    }

    public long count(String name) {
      return counts.getOrDefault(name, 0L);
    }
  }

  private DenseCaptions() {}

  /**
   * Parses one decoded output for an image of {@code width} x {@code height} pixels; every region
   * gets {@code score} (Florence-2 gives none).
   */
  public static Parsed parse(String text, int width, int height, double score) {
    if (width < 1 || height < 1) {
      throw new IllegalArgumentException(
          "image size must be positive, got " + width + "x" + height);
    }
    String t = text.replace("</s>", "").replace("<s>", "").replace("<pad>", "");
    List<Region> out = new ArrayList<>();
    Map<String, Long> counts = new TreeMap<>();
    Matcher m = TOKEN.matcher(t);
    String phrase = "";
    List<Integer> bins = new ArrayList<>();
    int pos = 0;
    while (true) {
      boolean found = m.find(pos);
      int end = found ? m.start() : t.length();
      if (end > pos) {
        // text: ends the previous phrase's boxes and starts a phrase
        if (!bins.isEmpty()) {
          flush(phrase, bins, width, height, score, out, counts);
          phrase = "";
          bins.clear();
        }
        phrase += t.substring(pos, end);
      }
      if (found && m.group(1) != null) {
        bins.add(Integer.parseInt(m.group(1)));
      } else {
        // another tag or the end: text not followed by a box is dropped (as HF's regex does)
        if (!bins.isEmpty()) {
          flush(phrase, bins, width, height, score, out, counts);
        } else if (!clean(phrase).isEmpty()) {
          inc(counts, PHRASE_WITHOUT_BOX);
        }
        phrase = "";
        bins.clear();
      }
      if (!found) {
        break;
      }
      pos = m.end();
    }
    return new Parsed(out, counts);
  }

  private static void flush(
      String rawPhrase,
      List<Integer> bins,
      int w,
      int h,
      double score,
      List<Region> out,
      Map<String, Long> counts) {
    String caption = clean(rawPhrase);
    int boxes = bins.size() / 4;
    if (bins.size() % 4 != 0) {
      inc(counts, INCOMPLETE_BOX);
    }
    if (boxes == 0) {
      return;
    }
    if (caption.isEmpty()) {
      counts.merge(EMPTY_CAPTION, (long) boxes, Long::sum);
      return;
    }
    for (int b = 0; b < boxes; b++) {
      int x1 = bins.get(4 * b);
      int y1 = bins.get(4 * b + 1);
      int x2 = bins.get(4 * b + 2);
      int y2 = bins.get(4 * b + 3);
      if (x2 <= x1 || y2 <= y1 || x2 >= BINS || y2 >= BINS) {
        inc(counts, DEGENERATE_BOX);
        continue;
      }
      out.add(new Region(coord(x1, w), coord(y1, h), coord(x2, w), coord(y2, h), caption, score));
    }
  }

  /** A bin's centre in pixels, within [0, size]. */
  public static double coord(int bin, int size) {
    return Math.min(size, (bin + 0.5) * size / BINS);
  }

  private static String clean(String phrase) {
    StringBuilder sb = new StringBuilder(phrase.length());
    for (int i = 0; i < phrase.length(); i++) {
      char c = phrase.charAt(i);
      if (c < 128) {
        sb.append(c);
      }
    }
    return sb.toString().trim().replaceAll("\\s+", " ").toLowerCase(Locale.ROOT);
  }

  private static void inc(Map<String, Long> counts, String name) {
    counts.merge(name, 1L, Long::sum);
  }
}
