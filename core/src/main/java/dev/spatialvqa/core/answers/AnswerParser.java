package dev.spatialvqa.core.answers;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a model's free-text answer to a spatial question: yes/no and their paraphrases, which of
 * two objects (by referring expression), lengths with units ("1.5m", "about 3 feet 2 inches", "two
 * meters", "45 cm", "5'3\"", "between 1 and 2 meters"), clock directions ("at 3 o'clock", "3:30",
 * "to the right") and refusals. Pure and stateless.
 *
 * <p>Referring expressions of the question's objects are masked before cues are looked for, so an
 * object called "the same chair" or "the 2 drawers" does not answer the question by its name.
 */
public final class AnswerParser {
  private AnswerParser() {}

  /** A length read from text. {@code unitGiven} false: a bare number, taken as metres. */
  public record Length(double metres, boolean unitGiven) {}

  /** What a yes/no or choice answer says. */
  public enum Verdict {
    YES,
    NO,
    /** "about the same", "too close to call", "touching", ... */
    TIE,
    /** "I can't tell", "sorry", empty, ... */
    REFUSAL,
    /** nothing usable */
    UNPARSED
  }

  private static final Map<String, Double> UNITS =
      Map.ofEntries(
          Map.entry("m", 1.0),
          Map.entry("meter", 1.0),
          Map.entry("meters", 1.0),
          Map.entry("metre", 1.0),
          Map.entry("metres", 1.0),
          Map.entry("mtr", 1.0),
          Map.entry("mtrs", 1.0),
          Map.entry("cm", 0.01),
          Map.entry("cms", 0.01),
          Map.entry("centimeter", 0.01),
          Map.entry("centimeters", 0.01),
          Map.entry("centimetre", 0.01),
          Map.entry("centimetres", 0.01),
          Map.entry("mm", 0.001),
          Map.entry("millimeter", 0.001),
          Map.entry("millimeters", 0.001),
          Map.entry("millimetre", 0.001),
          Map.entry("millimetres", 0.001),
          Map.entry("km", 1000.0),
          Map.entry("kilometer", 1000.0),
          Map.entry("kilometers", 1000.0),
          Map.entry("kilometre", 1000.0),
          Map.entry("kilometres", 1000.0),
          Map.entry("in", 0.0254),
          Map.entry("inch", 0.0254),
          Map.entry("inches", 0.0254),
          Map.entry("\"", 0.0254),
          Map.entry("ft", 0.3048),
          Map.entry("foot", 0.3048),
          Map.entry("feet", 0.3048),
          Map.entry("'", 0.3048),
          Map.entry("yd", 0.9144),
          Map.entry("yds", 0.9144),
          Map.entry("yard", 0.9144),
          Map.entry("yards", 0.9144));

  private static final Map<String, Integer> SMALL =
      Map.ofEntries(
          Map.entry("zero", 0),
          Map.entry("one", 1),
          Map.entry("two", 2),
          Map.entry("three", 3),
          Map.entry("four", 4),
          Map.entry("five", 5),
          Map.entry("six", 6),
          Map.entry("seven", 7),
          Map.entry("eight", 8),
          Map.entry("nine", 9),
          Map.entry("ten", 10),
          Map.entry("eleven", 11),
          Map.entry("twelve", 12),
          Map.entry("thirteen", 13),
          Map.entry("fourteen", 14),
          Map.entry("fifteen", 15),
          Map.entry("sixteen", 16),
          Map.entry("seventeen", 17),
          Map.entry("eighteen", 18),
          Map.entry("nineteen", 19));

  private static final Map<String, Integer> TENS =
      Map.of(
          "twenty", 20, "thirty", 30, "forty", 40, "fifty", 50, "sixty", 60, "seventy", 70,
          "eighty", 80, "ninety", 90);

  private static final Pattern TOKEN =
      Pattern.compile(
          "\\d+/\\d+|\\d{1,3}(?:,\\d{3})+(?:\\.\\d+)?|\\d+(?:\\.\\d+)?|\\.\\d+|[a-z]+(?:'[a-z]+)?|\\S");

  private static final Pattern REFUSAL =
      Pattern.compile(
          "\\b(i\\s+(?:do\\s+not|don't|dont)\\s+know|(?:do\\s+not|don't|dont)\\s+know|not\\s+sure"
              + "|(?:cannot|can't|cant|can\\s+not|could\\s+not|couldn't|unable\\s+to)\\s+"
              + "(?:be\\s+)?(?:determine|determined|tell|say|answer|estimate|know|see|judge|measure"
              + "|provide|infer|give|identify|assess|make\\s+out)"
              + "|unable\\s+to|impossible\\s+to|not\\s+possible\\s+to|no\\s+way\\s+to|i'm\\s+sorry"
              + "|i\\s+am\\s+sorry|sorry|as\\s+an\\s+ai|not\\s+enough\\s+information"
              + "|insufficient\\s+information|unknown|unclear|n/a|not\\s+visible|no\\s+idea"
              + "|cannot\\s+be\\s+determined|can't\\s+be\\s+determined)\\b");

  private static final Pattern TIE =
      Pattern.compile(
          "\\b(same|equal|equally|level|too\\s+close\\s+to\\s+call|neither|line\\s+up|lined\\s+up"
              + "|in\\s+line|side\\s+by\\s+side|no\\s+difference|hardly|practically\\s+no"
              + "|practically\\s+level|touching|touch|up\\s+against|on\\s+the\\s+floor"
              + "|on\\s+the\\s+ground|rests\\s+on|not\\s+raised|no\\s+gap|nearly\\s+equally"
              + "|roughly\\s+equal|about\\s+equal|identical|negligible|about\\s+as\\s+[a-z]+\\s+as"
              + "|as\\s+[a-z]+\\s+as\\s+each\\s+other|no\\s+space|essentially\\s+no|no\\s+real\\s+difference|similar\\s+(?:height|size|width|distance))"
              + "\\b");

  private static final Pattern YES_LEAD =
      Pattern.compile(
          "^(yes|yeah|yep|yup|yea|correct|true|indeed|affirmative|sure|absolutely"
              + "|definitely|certainly|that's\\s+right|that\\s+is\\s+right|that's\\s+correct"
              + "|that\\s+is\\s+correct|that's\\s+true|it\\s+is|it\\s+does)\\b");
  private static final Pattern NO_LEAD =
      Pattern.compile(
          "^(no|nope|nah|incorrect|false|wrong|negative|not\\s+at\\s+all|not\\s+really"
              + "|that's\\s+not|that\\s+is\\s+not|it\\s+is\\s+not|it's\\s+not|it\\s+isn't|it\\s+does"
              + "\\s+not|it\\s+doesn't)\\b");
  private static final Pattern YES_ANY =
      Pattern.compile(
          "\\b(yes|yeah|yep|correct|true|indeed|that's\\s+right|that\\s+is\\s+right)\\b");
  private static final Pattern NO_ANY =
      Pattern.compile(
          "\\b(no|nope|incorrect|false|not|isn't|aren't|doesn't|wrong|not\\s+the\\s+case)\\b");

  /** Lower case, straight quotes, single spaces. */
  static String normalize(String text) {
    if (text == null) {
      return "";
    }
    String t =
        text.toLowerCase(Locale.ROOT)
            .replace('\u2019', '\'')
            .replace('\u2018', '\'')
            .replace('\u2032', '\'')
            .replace('\u201c', '"')
            .replace('\u201d', '"')
            .replace('\u2033', '"')
            .replace('\u2013', '-')
            .replace('\u2014', '-')
            .replace('\u00a0', ' ');
    return t.replaceAll("\\s+", " ").trim();
  }

  /**
   * The text with every referring expression replaced by a neutral mark, longest first; each also
   * without its leading article.
   */
  static String mask(String normalized, List<String> refs) {
    List<String> forms = new ArrayList<>();
    for (String r : refs == null ? List.<String>of() : refs) {
      String n = normalize(r);
      if (n.isEmpty()) {
        continue;
      }
      forms.add(n);
      String bare = stripArticle(n);
      if (!bare.equals(n) && !bare.isEmpty()) {
        forms.add(bare);
      }
    }
    forms.sort((a, b) -> b.length() - a.length());
    String t = normalized;
    for (String f : forms) {
      t = t.replaceAll("(?<![a-z0-9])" + Pattern.quote(f) + "(?![a-z0-9])", " § ");
    }
    return t.replaceAll("\\s+", " ").trim();
  }

  static String stripArticle(String s) {
    return s.replaceFirst("^(the|a|an)\\s+", "");
  }

  /** True when the answer declines to answer (and, for a number, has no length with a unit). */
  public static boolean isRefusal(String text) {
    String t = normalize(text);
    return t.isEmpty() || REFUSAL.matcher(t).find();
  }

  /** True when the answer says the two are about equal, touching, on the floor, ... */
  public static boolean isTie(String text, List<String> refs) {
    return TIE.matcher(mask(normalize(text), refs)).find();
  }

  /** Yes, no, tie, refusal or unparsed, for a yes/no question about the given objects. */
  public static Verdict yesNo(String text, List<String> refs) {
    String t = mask(normalize(text), refs);
    if (t.isEmpty()) {
      return Verdict.REFUSAL;
    }
    String lead = t.replaceFirst("^[^a-z']+", "");
    if (REFUSAL.matcher(t).find()) {
      return Verdict.REFUSAL; // "No, I cannot tell", "It is impossible to say"
    }
    if (NO_LEAD.matcher(lead).find()) {
      return Verdict.NO;
    }
    if (YES_LEAD.matcher(lead).find()) {
      return Verdict.YES;
    }
    if (TIE.matcher(t).find()) {
      return Verdict.TIE;
    }
    boolean yes = YES_ANY.matcher(t).find();
    boolean no = NO_ANY.matcher(t).find();
    if (yes != no) {
      return yes ? Verdict.YES : Verdict.NO;
    }
    return Verdict.UNPARSED;
  }

  /** Which of two objects the answer picks. */
  public record Choice(Verdict verdict, int index) {
    static Choice of(Verdict v) {
      return new Choice(v, -1);
    }
  }

  private static final Pattern NEGATION_BEFORE =
      Pattern.compile("(?:\\bnot|n't|\\bthan|\\binstead\\s+of|\\brather\\s+than|\\bunlike)\\s*$");

  /**
   * The object a which-of-two answer chooses: index 0 for {@code refA}, 1 for {@code refB} (the
   * earliest mention not negated: "not A", "than A", "instead of A"); "the former/first" and "the
   * latter/second" when no expression is named. Tie, refusal or unparsed otherwise.
   */
  public static Choice choice(String text, String refA, String refB) {
    String n = normalize(text);
    if (n.isEmpty()) {
      return Choice.of(Verdict.REFUSAL);
    }
    String a = normalize(refA);
    String b = normalize(refB);
    // longest first, so "the chair by the desk" is not read as "the chair"
    String[] refs = a.length() >= b.length() ? new String[] {a, b} : new String[] {b, a};
    int[] idx = a.length() >= b.length() ? new int[] {0, 1} : new int[] {1, 0};
    StringBuilder masked = new StringBuilder(n);
    int best = -1;
    int bestPos = Integer.MAX_VALUE;
    boolean any = false;
    for (int k = 0; k < 2; k++) {
      for (String form : new String[] {refs[k], stripArticle(refs[k])}) {
        if (form.isEmpty()) {
          continue;
        }
        Matcher m =
            Pattern.compile("(?<![a-z0-9§])" + Pattern.quote(form) + "(?![a-z0-9§])")
                .matcher(masked.toString());
        List<int[]> spans = new ArrayList<>();
        while (m.find()) {
          spans.add(new int[] {m.start(), m.end()});
        }
        for (int[] s : spans) {
          any = true;
          String before = masked.substring(Math.max(0, s[0] - 20), s[0]);
          if (!NEGATION_BEFORE.matcher(before).find() && s[0] < bestPos) {
            bestPos = s[0];
            best = idx[k];
          }
          for (int i = s[0]; i < s[1]; i++) {
            masked.setCharAt(i, '§');
          }
        }
      }
    }
    String rest = masked.toString();
    if (TIE.matcher(rest).find()) {
      return Choice.of(Verdict.TIE);
    }
    if (best >= 0) {
      return new Choice(null, best);
    }
    if (!any) {
      if (Pattern.compile("\\b(the\\s+)?(former|first(\\s+one)?)\\b").matcher(rest).find()) {
        return new Choice(null, 0);
      }
      if (Pattern.compile("\\b(the\\s+)?(latter|second(\\s+one)?)\\b").matcher(rest).find()) {
        return new Choice(null, 1);
      }
    }
    if (TIE.matcher(rest).find()) {
      return Choice.of(Verdict.TIE);
    }
    if (REFUSAL.matcher(rest).find()) {
      return Choice.of(Verdict.REFUSAL);
    }
    return Choice.of(Verdict.UNPARSED);
  }

  /** A number or unit token with its place in the text. */
  private record Tok(String text, int start, int end) {}

  private static List<Tok> tokens(String t) {
    List<Tok> out = new ArrayList<>();
    Matcher m = TOKEN.matcher(t);
    while (m.find()) {
      out.add(new Tok(m.group(), m.start(), m.end()));
    }
    return out;
  }

  /** A number read at token i: value and the index after it; null when none starts there. */
  private record Num(double value, int next, boolean digits) {}

  private static Num number(List<Tok> ts, int i) {
    if (i >= ts.size()) {
      return null;
    }
    String s = ts.get(i).text();
    if (Character.isDigit(s.charAt(0)) || s.charAt(0) == '.' && s.length() > 1) {
      double v;
      if (s.contains("/")) {
        String[] p = s.split("/");
        double den = Double.parseDouble(p[1]);
        if (den == 0) {
          return null;
        }
        v = Double.parseDouble(p[0]) / den;
      } else {
        v = Double.parseDouble(s.replace(",", ""));
      }
      int j = i + 1;
      // "1 1/2", "2 and a half"
      if (j < ts.size() && ts.get(j).text().matches("\\d+/\\d+") && !s.contains("/")) {
        Num f = number(ts, j);
        if (f != null && f.value() < 1) {
          v += f.value();
          j = f.next();
        }
      }
      return andAHalf(ts, new Num(v, j, true));
    }
    if (s.equals("half") && i + 1 < ts.size() && ts.get(i + 1).text().matches("a|an")) {
      return new Num(0.5, i + 2, false); // "half a meter"
    }
    if (s.equals("a") || s.equals("an")) {
      if (i + 1 < ts.size() && ts.get(i + 1).text().equals("half")) {
        return new Num(0.5, i + 2, false);
      }
      if (i + 1 < ts.size() && ts.get(i + 1).text().equals("quarter")) {
        return new Num(0.25, i + 2, false);
      }
      if (i + 1 < ts.size() && UNITS.containsKey(ts.get(i + 1).text())) {
        return andAHalf(ts, new Num(1, i + 1, false)); // "a meter and a half"
      }
      return null;
    }
    Integer small = SMALL.get(s);
    Integer tens = TENS.get(s);
    if (small == null && tens == null) {
      return null;
    }
    double v;
    int j = i + 1;
    if (tens != null) {
      v = tens;
      if (j < ts.size() && ts.get(j).text().equals("-")) {
        j++;
      }
      Integer unit = j < ts.size() ? SMALL.get(ts.get(j).text()) : null;
      if (unit != null && unit > 0 && unit < 10) {
        v += unit;
        j++;
      } else if (j > i + 1) {
        j = i + 1;
      }
    } else {
      v = small;
    }
    if (j < ts.size() && ts.get(j).text().equals("hundred")) {
      v *= 100;
      j++;
      int k = j < ts.size() && ts.get(j).text().equals("and") ? j + 1 : j;
      Num rest = number(ts, k);
      if (rest != null && !rest.digits() && rest.value() < 100) {
        v += rest.value();
        j = rest.next();
      }
    }
    if (j + 1 < ts.size() && ts.get(j).text().equals("point")) {
      Integer d = SMALL.get(ts.get(j + 1).text());
      if (d != null && d < 10) {
        v += d / 10.0;
        j += 2;
      }
    }
    return andAHalf(ts, new Num(v, j, false));
  }

  private static Num andAHalf(List<Tok> ts, Num n) {
    int j = n.next();
    if (j + 2 < ts.size()
        && ts.get(j).text().equals("and")
        && ts.get(j + 1).text().matches("a|an")
        && ts.get(j + 2).text().equals("half")) {
      return new Num(n.value() + 0.5, j + 3, n.digits());
    }
    return n;
  }

  /** A unit at token i, its factor and whether it can be followed by a smaller unit. */
  private static Double unit(List<Tok> ts, int i, String text, Tok numTok) {
    if (i >= ts.size()) {
      return null;
    }
    String u = ts.get(i).text();
    Double f = UNITS.get(u);
    if (f == null) {
      return null;
    }
    if (u.equals("in")) {
      // "3 in" is inches only at the end, before punctuation or before another number
      if (i + 1 < ts.size()) {
        String next = ts.get(i + 1).text();
        if (Character.isLetter(next.charAt(0))) {
          return null;
        }
      }
    }
    if (u.equals("'") || u.equals("\"")) {
      // a foot/inch mark must follow the number directly: 5'3"
      if (ts.get(i).start() != ts.get(i - 1).end()) {
        return null;
      }
    }
    return f;
  }

  /**
   * The first length in the text, in metres: compound lengths ("3 feet 2 inches", "1 m 20 cm",
   * "5'3\""), ranges (midpoint: "1-2 m", "between 1 and 2 meters"), number words ("two meters",
   * "half a meter", "one and a half feet"). A number without a unit counts as metres ({@code
   * unitGiven} false) unless the text is a refusal. Null when there is none.
   */
  public static Length length(String text, List<String> refs) {
    String t = mask(normalize(text), refs);
    List<Tok> ts = tokens(t);
    Length bare = null;
    for (int i = 0; i < ts.size(); i++) {
      Num n = number(ts, i);
      if (n == null) {
        continue;
      }
      if (n.digits() && n.next() < ts.size()) {
        // "3d", "2x": a letter glued to a number that is not a unit is not a quantity
        Tok next = ts.get(n.next());
        if (next.start() == ts.get(n.next() - 1).end()
            && Character.isLetter(next.text().charAt(0))
            && !UNITS.containsKey(next.text())) {
          i = n.next() - 1;
          continue;
        }
      }
      int j = n.next();
      Double f = unit(ts, j, t, ts.get(i));
      double value = n.value();
      // a range: "1-2 m", "1 to 2 meters", "1 or 2 meters", "between 1 and 2 meters"
      if (f == null && j < ts.size() && ts.get(j).text().matches("-|to|or|and")) {
        boolean between = i > 0 && ts.get(i - 1).text().equals("between");
        if (!ts.get(j).text().equals("and") || between) {
          Num hi = number(ts, j + 1);
          if (hi != null) {
            Double f2 = unit(ts, hi.next(), t, ts.get(j + 1));
            if (f2 != null && hi.value() >= value) {
              value = (value + hi.value()) / 2;
              f = f2;
              j = hi.next();
            }
          }
        }
      }
      if (f == null) {
        if (bare == null && !isClockWord(ts, j)) {
          bare = new Length(value, false);
        }
        i = j - 1;
        continue;
      }
      double metres = value * f;
      int k = j + 1;
      // a range with the unit on both ends: "1.2m-1.5m", "1 m to 2 m"
      if (k + 2 < ts.size() && ts.get(k).text().matches("-|to")) {
        Num hi = number(ts, k + 1);
        Double f2 = hi == null ? null : unit(ts, hi.next(), t, ts.get(k + 1));
        if (f2 != null && hi.value() * f2 >= metres) {
          return new Length((metres + hi.value() * f2) / 2, true);
        }
      }
      if (k + 2 < ts.size()
          && ts.get(k).text().equals("and")
          && ts.get(k + 1).text().matches("a|an")
          && ts.get(k + 2).text().equals("half")) {
        metres += 0.5 * f; // "a meter and a half"
        k += 3;
      }
      double lastFactor = f;
      // compound: a smaller unit right after ("3 feet 2 inches", "1 m 20 cm", "5'3\"")
      while (true) {
        int m = k;
        if (m < ts.size() && ts.get(m).text().matches("and|,|\\.")) {
          m++;
        }
        Num n2 = number(ts, m);
        if (n2 == null) {
          break;
        }
        Double f2 = unit(ts, n2.next(), t, ts.get(m));
        if (f2 == null || f2 >= lastFactor) {
          break;
        }
        metres += n2.value() * f2;
        lastFactor = f2;
        k = n2.next() + 1;
      }
      return new Length(metres, true);
    }
    if (bare != null && REFUSAL.matcher(t).find()) {
      return null;
    }
    return bare;
  }

  private static boolean isClockWord(List<Tok> ts, int j) {
    return j < ts.size() && ts.get(j).text().matches("o'clock|oclock|o|:|hours?|h");
  }

  private static final Pattern DIR_AHEAD =
      Pattern.compile("\\b(ahead|in\\s+front|forward|straight\\s+on|front)\\b");
  private static final Pattern DIR_BEHIND = Pattern.compile("\\b(behind|back|backward|rear)\\b");
  private static final Pattern DIR_RIGHT = Pattern.compile("\\bright\\b");
  private static final Pattern DIR_LEFT = Pattern.compile("\\bleft\\b");

  /**
   * The first clock direction in the text, in hours (12 = ahead, 3 = right): "3 o'clock", "three
   * o'clock", "3:30", "half past 3", a bare hour 1-12, or words ("to the right" 3, "behind" 6,
   * "ahead and to the left" 10.5). Null when none.
   */
  public static Double clockHours(String text, List<String> refs) {
    String t = mask(normalize(text), refs);
    List<Tok> ts = tokens(t);
    Double bare = null;
    for (int i = 0; i < ts.size(); i++) {
      boolean halfPast =
          i + 2 < ts.size()
              && ts.get(i).text().equals("half")
              && ts.get(i + 1).text().equals("past");
      Num n = number(ts, halfPast ? i + 2 : i);
      if (n == null || (!halfPast && ts.get(i).text().matches("a|an|half"))) {
        continue;
      }
      double h = n.value() + (halfPast ? 0.5 : 0);
      int j = n.next();
      if (j + 1 < ts.size()
          && ts.get(j).text().equals(":")
          && ts.get(j + 1).text().matches("\\d{2}")) {
        h += Integer.parseInt(ts.get(j + 1).text()) / 60.0;
        j += 2;
      }
      boolean clockWord =
          j < ts.size()
              && (ts.get(j).text().matches("o'clock|oclock")
                  || ts.get(j).text().equals("o")
                      && j + 1 < ts.size()
                      && ts.get(j + 1).text().equals("clock"));
      if (h > 0 && h <= 12.99 && (clockWord || halfPast || j > n.next())) {
        return h;
      }
      if (bare == null && h >= 1 && h <= 12 && h == Math.rint(h) && unit(ts, j, t, null) == null) {
        bare = h;
      }
      i = j - 1;
    }
    if (bare != null) {
      return bare;
    }
    boolean ahead = DIR_AHEAD.matcher(t).find();
    boolean behind = DIR_BEHIND.matcher(t).find();
    boolean right = DIR_RIGHT.matcher(t).find();
    boolean left = DIR_LEFT.matcher(t).find();
    if (ahead == behind && right == left) {
      return null;
    }
    if (ahead && behind || right && left) {
      return null;
    }
    if (right) {
      return ahead ? 1.5 : behind ? 4.5 : 3.0;
    }
    if (left) {
      return ahead ? 10.5 : behind ? 7.5 : 9.0;
    }
    return ahead ? 12.0 : 6.0;
  }

  /** Circular difference of two clock directions, hours in [0, 6]. */
  public static double clockDifference(double a, double b) {
    double d = Math.abs(a - b) % 12;
    return Math.min(d, 12 - d);
  }
}
