package dev.spatialvqa.core.generate;

import java.util.Locale;

/**
 * Human-like statements of lengths and clock directions, the way a person would say them: "8
 * centimeters", "45 centimeters", "1.5 meters", "12 meters"; "7 inches", "20 inches", "5 feet 3
 * inches", "14 feet"; "3 o'clock". Pure and stateless.
 *
 * <p>Metric: below 20 cm to the nearest centimetre (at least 1), below 1 m to the nearest 5 cm,
 * below 10 m to the nearest 0.1 m, then to the nearest metre. Imperial: below 2 ft to the nearest
 * inch (at least 1), below 10 ft as feet and inches to the nearest inch, then to the nearest foot.
 */
public final class UnitFormatter {
  public static final double METRES_PER_INCH = 0.0254;

  private UnitFormatter() {}

  /** A length in the given system, e.g. "1.5 meters" or "5 feet 3 inches". */
  public static String length(double metres, UnitSystem system) {
    if (!Double.isFinite(metres) || metres < 0) {
      throw new IllegalArgumentException("length must be finite and >= 0 metres, got " + metres);
    }
    return system == UnitSystem.METRIC ? metric(metres) : imperial(metres);
  }

  /** The value in metres that {@link #length} states (after its rounding). */
  public static double statedMetres(double metres, UnitSystem system) {
    return parse(length(metres, system));
  }

  private static String metric(double m) {
    double cm = m * 100.0;
    if (Math.round(cm) < 20) {
      return plural(Math.max(1, Math.round(cm)), "centimeter");
    }
    if (cm < 97.5) {
      return plural(Math.round(cm / 5.0) * 5, "centimeter");
    }
    if (m < 9.95) {
      double tenths = Math.round(m * 10.0) / 10.0;
      if (tenths == Math.rint(tenths)) {
        return plural((long) tenths, "meter");
      }
      return String.format(Locale.ROOT, "%.1f meters", tenths);
    }
    return plural(Math.round(m), "meter");
  }

  private static String imperial(double m) {
    long inches = Math.round(m / METRES_PER_INCH);
    if (inches < 24) {
      return plural(Math.max(1, inches), "inch");
    }
    if (inches < 120) {
      long feet = inches / 12;
      long rest = inches % 12;
      return rest == 0 ? plural(feet, "foot") : plural(feet, "foot") + " " + plural(rest, "inch");
    }
    return plural(Math.round(m / (12 * METRES_PER_INCH)), "foot");
  }

  private static String plural(long n, String unit) {
    if (n == 1) {
      return "1 " + unit;
    }
    String p =
        switch (unit) {
          case "inch" -> "inches";
          case "foot" -> "feet";
          default -> unit + "s";
        };
    return n + " " + p;
  }

  /**
   * A clock direction for a value in clock hours (0 or 12 = straight ahead, 3 = right), rounded to
   * the nearest hour: "3 o'clock", "12 o'clock".
   */
  public static String clock(double hours) {
    if (!Double.isFinite(hours)) {
      throw new IllegalArgumentException("clock hours must be finite, got " + hours);
    }
    long h = Math.round(((hours % 12) + 12) % 12);
    if (h == 0) {
      h = 12;
    }
    return h + " o'clock";
  }

  /** Parses what {@link #length} writes back to metres (for checks and tests). */
  public static double parse(String text) {
    String[] t = text.trim().split("\\s+");
    double total = 0;
    if (t.length % 2 != 0) {
      throw new IllegalArgumentException("not a stated length: '" + text + "'");
    }
    for (int i = 0; i < t.length; i += 2) {
      double v = Double.parseDouble(t[i]);
      total +=
          switch (t[i + 1]) {
            case "centimeter", "centimeters" -> v / 100.0;
            case "meter", "meters" -> v;
            case "inch", "inches" -> v * METRES_PER_INCH;
            case "foot", "feet" -> v * 12 * METRES_PER_INCH;
            default -> throw new IllegalArgumentException("unknown unit in '" + text + "'");
          };
    }
    return total;
  }
}
