package dev.spatialvqa.core.ingest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The one JSON reader for input lines (manifests, crawl records, shard sidecars, general-mix
 * records): one value per line, so a second value on the same line is an error rather than silently
 * dropped; error messages describe the problem without quoting the input.
 */
public final class JsonLines {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private JsonLines() {}

  /** Parses exactly one JSON value; throws when the text holds none, a broken one, or more. */
  public static JsonNode read(String text) throws JsonProcessingException {
    return JSON.readTree(text);
  }

  /** A message for a parse failure that names the problem and never echoes input text. */
  public static String describe(JsonProcessingException e) {
    String m = e.getOriginalMessage();
    if (m != null && m.startsWith("Trailing token")) {
      return "more than one JSON value on the line (one record per line: put each object on a"
          + " line of its own)";
    }
    String where =
        e.getLocation() == null ? "" : " (at character " + e.getLocation().getCharOffset() + ")";
    // Jackson quotes the offending token ("Unrecognized token 'root'"): keep only its kind
    if (m != null) {
      m = m.replaceAll("'[^']*'", "'...'").replaceAll("\\(code \\d+\\)", "");
      int nl = m.indexOf('\n');
      if (nl >= 0) {
        m = m.substring(0, nl);
      }
    }
    return (m == null ? "invalid JSON" : m) + where;
  }
}
