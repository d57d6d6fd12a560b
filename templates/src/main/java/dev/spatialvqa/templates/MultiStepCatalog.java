package dev.spatialvqa.templates;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
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
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The second catalog: multi-step families, one JSON file per family under {@code /multistep/} on
 * the classpath (listed by {@code /multistep/index.txt}), and the trace phrasings of every step
 * kind in {@code /multistep/steps.json} ({@code {"steps": {"kind": ["phrasing", ...]}}}). Step
 * placeholders: {@code [P]}, {@code [Q]}, {@code [S]} (the step's objects), {@code [V]} (its value,
 * rounded, in the record's unit system), {@code [W]} (an object decided), {@code [L]} (a label or
 * direction word), {@code [N]} (a count), {@code [R]} (the radius asked about).
 */
public final class MultiStepCatalog implements Serializable {
  private static final long serialVersionUID = 1L;
  static final List<String> OBJECTS = List.of("[A]", "[B]", "[C]", "[D]");
  static final java.util.Set<String> OBJECTS_AND_RADIUS =
      java.util.Set.of("[A]", "[B]", "[C]", "[D]", "[R]");
  static final java.util.Set<String> ANSWER_PLACEHOLDERS =
      java.util.Set.of("[A]", "[B]", "[C]", "[D]", "[W]", "[X]", "[L]", "[N]");
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
  private static volatile MultiStepCatalog bundled;

  private final Map<String, MultiStepFamily> families;
  private final Map<String, List<String>> steps;

  public MultiStepCatalog(Map<String, MultiStepFamily> families, Map<String, List<String>> steps) {
    this.families = Collections.unmodifiableMap(new LinkedHashMap<>(families));
    Map<String, List<String>> s = new LinkedHashMap<>();
    steps.forEach((k, v) -> s.put(k, List.copyOf(v)));
    this.steps = Collections.unmodifiableMap(s);
  }

  /** The bundled catalog (cached); throws if it does not validate. */
  public static MultiStepCatalog bundled() {
    MultiStepCatalog c = bundled;
    if (c == null) {
      synchronized (MultiStepCatalog.class) {
        c = bundled;
        if (c == null) {
          c = loadFromClasspath();
          List<String> problems = TemplateValidator.validate(c);
          if (!problems.isEmpty()) {
            throw new IllegalStateException("bundled multi-step catalog is invalid: " + problems);
          }
          bundled = c;
        }
      }
    }
    return c;
  }

  public static MultiStepCatalog loadFromClasspath() {
    Map<String, MultiStepFamily> m = new LinkedHashMap<>();
    for (String id : readIndex()) {
      String res = "/multistep/" + id + ".json";
      try (InputStream in = MultiStepCatalog.class.getResourceAsStream(res)) {
        if (in == null) {
          throw new IllegalStateException(
              "multistep/index.txt lists '" + id + "' but " + res + " is missing");
        }
        m.put(id, JSON.readValue(in, MultiStepFamily.class));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + res + ": " + e.getMessage(), e);
      }
    }
    try (InputStream in = MultiStepCatalog.class.getResourceAsStream("/multistep/steps.json")) {
      if (in == null) {
        throw new IllegalStateException("/multistep/steps.json is not on the classpath");
      }
      return new MultiStepCatalog(m, parseSteps(new String(in.readAllBytes(), UTF8)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static final java.nio.charset.Charset UTF8 = StandardCharsets.UTF_8;

  /** Every family file of a folder (keyed by file name) and its steps.json, without validating. */
  public static MultiStepCatalog loadFromDirectory(Path dir) throws IOException {
    Map<String, MultiStepFamily> m = new LinkedHashMap<>();
    List<Path> files = new ArrayList<>();
    try (var s = Files.list(dir)) {
      s.filter(p -> p.getFileName().toString().endsWith(".json"))
          .filter(p -> !p.getFileName().toString().equals("steps.json"))
          .sorted()
          .forEach(files::add);
    }
    for (Path f : files) {
      String name = f.getFileName().toString();
      m.put(
          name.substring(0, name.length() - ".json".length()),
          JSON.readValue(Files.readString(f), MultiStepFamily.class));
    }
    return new MultiStepCatalog(m, parseSteps(Files.readString(dir.resolve("steps.json"))));
  }

  static Map<String, List<String>> parseSteps(String json) throws IOException {
    JsonNode root = JSON.readTree(json);
    JsonNode s = root.get("steps");
    if (s == null || !s.isObject() || root.size() != 1) {
      throw new IOException("steps.json must be {\"steps\": {\"kind\": [\"phrasing\", ...]}}");
    }
    Map<String, List<String>> out = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = s.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      List<String> ph = new ArrayList<>();
      if (!e.getValue().isArray()) {
        throw new IOException("steps." + e.getKey() + " must be an array of phrasings");
      }
      e.getValue().forEach(n -> ph.add(n.asText()));
      out.put(e.getKey(), ph);
    }
    return out;
  }

  private static List<String> readIndex() {
    List<String> ids = new ArrayList<>();
    try (InputStream in = MultiStepCatalog.class.getResourceAsStream("/multistep/index.txt")) {
      if (in == null) {
        throw new IllegalStateException("/multistep/index.txt is not on the classpath");
      }
      BufferedReader r = new BufferedReader(new InputStreamReader(in, UTF8));
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

  public Map<String, MultiStepFamily> byFileKey() {
    return families;
  }

  public List<MultiStepFamily> families() {
    return List.copyOf(families.values());
  }

  public MultiStepFamily get(String id) {
    MultiStepFamily f = families.get(id);
    if (f == null) {
      throw new IllegalArgumentException("no multi-step family '" + id + "'");
    }
    return f;
  }

  /** Phrasings of a step kind (several per kind). */
  public List<String> phrasings(String stepKind) {
    List<String> p = steps.get(stepKind);
    if (p == null) {
      throw new IllegalArgumentException("no step kind '" + stepKind + "' in steps.json");
    }
    return p;
  }

  public Map<String, List<String>> steps() {
    return steps;
  }
}
