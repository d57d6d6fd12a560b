package dev.spatialvqa.templates;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The QA template catalog: one JSON file per question type under {@code /templates/} on the
 * classpath, listed by {@code /templates/index.txt}. Immutable and serialisable.
 */
public final class TemplateCatalog implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
  private static volatile TemplateCatalog bundled;

  private final Map<String, QuestionType> types;

  private TemplateCatalog(Map<String, QuestionType> types) {
    this.types = Collections.unmodifiableMap(new LinkedHashMap<>(types));
  }

  /** The catalog bundled with the engine (cached); throws if it does not validate. */
  public static TemplateCatalog bundled() {
    TemplateCatalog c = bundled;
    if (c == null) {
      synchronized (TemplateCatalog.class) {
        c = bundled;
        if (c == null) {
          c = loadFromClasspath();
          List<String> problems = TemplateValidator.validate(c);
          if (!problems.isEmpty()) {
            throw new IllegalStateException("bundled template catalog is invalid: " + problems);
          }
          bundled = c;
        }
      }
    }
    return c;
  }

  /** Reads the bundled catalog without validating it. */
  public static TemplateCatalog loadFromClasspath() {
    Map<String, QuestionType> m = new LinkedHashMap<>();
    for (String id : readIndex()) {
      String res = "/templates/" + id + ".json";
      try (InputStream in = TemplateCatalog.class.getResourceAsStream(res)) {
        if (in == null) {
          throw new IllegalStateException(
              "index.txt lists '" + id + "' but " + res + " is missing");
        }
        m.put(id, JSON.readValue(in, QuestionType.class));
      } catch (IOException e) {
        throw new UncheckedIOException(
            "cannot read template file " + res + ": " + e.getMessage(), e);
      }
    }
    return new TemplateCatalog(m);
  }

  /** Reads every {@code *.json} file of a folder (keyed by file name) without validating. */
  public static TemplateCatalog loadFromDirectory(Path dir) throws IOException {
    Map<String, QuestionType> m = new LinkedHashMap<>();
    List<Path> files = new ArrayList<>();
    try (var s = Files.list(dir)) {
      s.filter(p -> p.getFileName().toString().endsWith(".json")).sorted().forEach(files::add);
    }
    for (Path f : files) {
      String name = f.getFileName().toString();
      m.put(name.substring(0, name.length() - ".json".length()), parse(Files.readString(f)));
    }
    return new TemplateCatalog(m);
  }

  /** Parses one type file's text. */
  public static QuestionType parse(String json) throws IOException {
    return JSON.readValue(json, QuestionType.class);
  }

  private static List<String> readIndex() {
    List<String> ids = new ArrayList<>();
    try (InputStream in = TemplateCatalog.class.getResourceAsStream("/templates/index.txt")) {
      if (in == null) {
        throw new IllegalStateException("/templates/index.txt is not on the classpath");
      }
      BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      for (String line; (line = r.readLine()) != null; ) {
        String t = line.strip();
        if (!t.isEmpty() && !t.startsWith("#")) {
          ids.add(t);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return ids;
  }

  /** Types keyed by the file they came from (the validator checks that key == id). */
  public Map<String, QuestionType> byFileKey() {
    return types;
  }

  public List<QuestionType> types() {
    return List.copyOf(types.values());
  }

  public QuestionType get(String id) {
    QuestionType t = types.get(id);
    if (t == null) {
      throw new IllegalArgumentException(
          "no question type '" + id + "' in the catalog " + types.keySet());
    }
    return t;
  }

  public boolean contains(String id) {
    return types.containsKey(id);
  }
}
