package dev.spatialvqa.core.load;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Locale;
import java.util.Set;
import org.apache.commons.text.similarity.LevenshteinDistance;

/**
 * Catches misspelled field names: a field that is not one of the known names but is a near miss of
 * one ({@code instrinsics}, {@code object}, {@code gravity_up}) is an error naming the field it
 * probably meant, because the line would otherwise silently run on defaults. Other unknown fields
 * are left alone (users keep their own metadata in manifests).
 *
 * <p>Near miss, after lower-casing and dropping {@code _}, {@code -} and spaces: the same name; an
 * edit distance (Levenshtein) of at most 1 for names under 7 characters and at most 2 from 7; or a
 * truncation of a known name (the unknown name is a prefix of it, at least 5 characters long).
 */
public final class FieldNames {
  private static final LevenshteinDistance DISTANCE = new LevenshteinDistance(2);

  private FieldNames() {}

  /** The known name {@code field} is a near miss of, or null. */
  public static String nearMiss(String field, Set<String> known) {
    if (known.contains(field)) {
      return null;
    }
    String f = normal(field);
    String best = null;
    int bestD = Integer.MAX_VALUE;
    for (String k : known) {
      String n = normal(k);
      int d;
      if (f.equals(n)) {
        d = 0;
      } else if (f.length() >= 5 && n.startsWith(f)) {
        d = 1;
      } else {
        int limit = Math.min(f.length(), n.length()) < 7 ? 1 : 2;
        int ld = DISTANCE.apply(f, n);
        d = ld >= 0 && ld <= limit ? ld : Integer.MAX_VALUE;
      }
      if (d < bestD) {
        bestD = d;
        best = k;
      }
    }
    return best;
  }

  /**
   * Throws {@code unknown_field} for the first field of {@code object} that is a near miss of a
   * known one; {@code where} prefixes the field in the message ({@code "objects[2]."}).
   */
  public static void check(JsonNode object, Set<String> known, String where) throws InputException {
    for (Iterator<String> it = object.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      String meant = nearMiss(name, known);
      if (meant != null) {
        throw new InputException(
            "unknown_field",
            "'"
                + where
                + name
                + "' is not a manifest field; did you mean '"
                + where
                + meant
                + "'? (a misspelled field would silently fall back to defaults)");
      }
    }
  }

  private static String normal(String s) {
    return s.toLowerCase(Locale.ROOT).replaceAll("[_\\- ]", "");
  }
}
