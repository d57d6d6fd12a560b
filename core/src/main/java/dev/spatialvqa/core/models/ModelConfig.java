package dev.spatialvqa.core.models;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The model config file ({@code --models=CONFIG}): which model serves each role, where the local
 * cache lives, and the perception settings that depend on the models (scene-filter prompts,
 * detector vocabulary). Format (JSON):
 *
 * <pre>{@code
 * {
 *   "cache_dir": "/var/cache/spatialvqa/models",          // optional
 *   "models": {
 *     "clip_vision": {"name": "clip-vit-b32-vision", "uri": "gs://b/clip/vision_model.onnx", "sha256": "..."},
 *     "clip_text":   {"name": "clip-vit-b32-text", "uri": "...", "sha256": "...",
 *                     "tokenizer": {"uri": ".../tokenizer.json", "sha256": "..."}},
 *     "depth":       {"name": "depth-anything-v2-metric-indoor-small", "uri": "depth.onnx", "sha256": "...",
 *                     "depth_kind": "metric", "max_depth": 20},   // a bare relative uri: next to this file
 *     "detector":    {"name": "owlv2-base-patch16-ensemble", "uri": "...", "sha256": "...",
 *                     "tokenizer": {"uri": "...", "sha256": "..."}},
 *     "sam_encoder": {"name": "mobile-sam-encoder", "uri": "...", "sha256": "..."},
 *     "sam_decoder": {"name": "mobile-sam-decoder", "uri": "...", "sha256": "..."}
 *   },
 *   "scene_filter": {"include": ["..."], "exclude": ["..."], "threshold": 0.5},
 *   "detector": {"vocabulary": ["chair", "table"], "score_threshold": 0.2, "nms_iou": 0.5, "max_objects": 20},
 *   "regions": {"kind": "detector"}                         // optional; or Florence-2:
 *   // "regions": {"kind": "florence2", "task": "<DENSE_REGION_CAPTION>", "max_new_tokens": 256,
 *   //             "no_repeat_ngram_size": 3, "max_objects": 20, "nms_iou": 0.5}
 * }
 * }</pre>
 *
 * <p>{@code regions.kind} picks the region proposer: {@code detector} (OWLv2 with the {@code
 * detector} vocabulary, role {@code detector}) or {@code florence2} (Florence-2 region captions,
 * roles {@code florence2_vision_encoder}, {@code florence2_embed_tokens} with the tokenizer, {@code
 * florence2_encoder}, {@code florence2_decoder}; optionally {@code florence2_decoder_with_past} for
 * decoding with a KV cache).
 */
public record ModelConfig(
    Map<ModelRole, ModelSpec> models,
    String cacheDir,
    SceneFilterSettings sceneFilter,
    DetectorSettings detector,
    RegionsSettings regions,
    DepthSettings depth)
    implements Serializable {

  /** A config without depth settings (no depth model, or one built in code). */
  public ModelConfig(
      Map<ModelRole, ModelSpec> models,
      String cacheDir,
      SceneFilterSettings sceneFilter,
      DetectorSettings detector,
      RegionsSettings regions) {
    this(models, cacheDir, sceneFilter, detector, regions, null);
  }

  public ModelConfig {
    EnumMap<ModelRole, ModelSpec> m = new EnumMap<>(ModelRole.class);
    m.putAll(models);
    models = Collections.unmodifiableMap(m);
    sceneFilter = sceneFilter == null ? SceneFilterSettings.defaults() : sceneFilter;
    detector = detector == null ? DetectorSettings.defaults() : detector;
    regions = regions == null ? RegionsSettings.defaults() : regions;
  }

  public static ModelConfig empty() {
    return new ModelConfig(Map.of(), null, null, null, null);
  }

  public Optional<ModelSpec> model(ModelRole role) {
    return Optional.ofNullable(models.get(role));
  }

  /** The cache directory: the configured one, else {@code $TMPDIR/spatialvqa-models}. */
  public Path cachePath() {
    return cacheDir != null
        ? Path.of(cacheDir)
        : Path.of(System.getProperty("java.io.tmpdir"), "spatialvqa-models");
  }

  public static ModelConfig read(Path file) {
    try {
      return parse(Files.readString(file), file.toString());
    } catch (IOException e) {
      throw new ModelException("cannot read model config " + file + ": " + e.getMessage(), e);
    }
  }

  /** Parses the JSON text; {@code origin} names it in error messages. */
  public static ModelConfig parse(String json, String origin) {
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(json);
    } catch (IOException e) {
      throw new ModelException(
          "model config " + origin + " is not valid JSON: " + e.getMessage(), e);
    }
    try {
      Map<ModelRole, ModelSpec> models = new EnumMap<>(ModelRole.class);
      DepthSettings depth = null;
      JsonNode ms = root.path("models");
      for (Iterator<Map.Entry<String, JsonNode>> it = ms.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        ModelRole role = ModelRole.fromKey(e.getKey());
        JsonNode n = e.getValue();
        FileRef file =
            new FileRef(
                relativeTo(origin, text(n, "uri", e.getKey())), text(n, "sha256", e.getKey()));
        FileRef tok = null;
        if (n.has("tokenizer")) {
          JsonNode t = n.get("tokenizer");
          tok =
              new FileRef(
                  relativeTo(origin, text(t, "uri", e.getKey() + ".tokenizer")),
                  text(t, "sha256", e.getKey() + ".tokenizer"));
        }
        if (role == ModelRole.DEPTH) {
          depth = DepthSettings.parse(n);
        }
        String name = n.path("name").asText(e.getKey());
        models.put(role, new ModelSpec(name, role, file, tok));
      }
      String cache = root.hasNonNull("cache_dir") ? root.get("cache_dir").asText() : null;
      SceneFilterSettings sf = SceneFilterSettings.defaults();
      JsonNode s = root.path("scene_filter");
      if (!s.isMissingNode()) {
        sf =
            new SceneFilterSettings(
                s.has("include") ? strings(s.get("include")) : sf.include(),
                s.has("exclude") ? strings(s.get("exclude")) : sf.exclude(),
                s.path("threshold").asDouble(sf.threshold()));
      }
      DetectorSettings ds = DetectorSettings.defaults();
      JsonNode d = root.path("detector");
      if (!d.isMissingNode()) {
        ds =
            new DetectorSettings(
                d.has("vocabulary") ? strings(d.get("vocabulary")) : ds.vocabulary(),
                d.path("score_threshold").asDouble(ds.scoreThreshold()),
                d.path("nms_iou").asDouble(ds.nmsIou()),
                d.path("max_objects").asInt(ds.maxObjects()));
      }
      RegionsSettings rs = RegionsSettings.defaults();
      JsonNode r = root.path("regions");
      if (!r.isMissingNode()) {
        for (Iterator<String> it = r.fieldNames(); it.hasNext(); ) {
          String f = it.next();
          if (!RegionsSettings.FIELDS.contains(f)) {
            throw new IllegalArgumentException(
                "regions." + f + " is not a setting; known: " + RegionsSettings.FIELDS);
          }
        }
        rs =
            new RegionsSettings(
                r.has("kind") ? RegionsKind.fromKey(r.get("kind").asText()) : rs.kind(),
                r.path("task").asText(rs.task()),
                r.path("max_new_tokens").asInt(rs.maxNewTokens()),
                r.path("no_repeat_ngram_size").asInt(rs.noRepeatNgramSize()),
                r.path("max_objects").asInt(rs.maxObjects()),
                r.path("nms_iou").asDouble(rs.nmsIou()),
                r.path("num_beams").asInt(rs.numBeams()));
      }
      return new ModelConfig(models, cache, sf, ds, rs, depth);
    } catch (IllegalArgumentException e) {
      throw new ModelException("model config " + origin + ": " + e.getMessage(), e);
    }
  }

  /**
   * A model file's uri as written, or, when it is a bare relative path ({@code "depth.onnx"},
   * {@code "models/depth.onnx"}), resolved against the folder of the config file named by {@code
   * origin} (a local path, {@code file:} URI, or a remote URI such as {@code
   * gs://b/cfg/models.json}, whose folder {@code gs://b/cfg/} is then prefixed).
   */
  static String relativeTo(String origin, String uri) {
    if (uri.startsWith("file:") || uri.matches("^[a-zA-Z][a-zA-Z0-9+.-]*://.*")) {
      return uri;
    }
    Path p;
    try {
      p = Path.of(uri);
    } catch (java.nio.file.InvalidPathException e) {
      throw new IllegalArgumentException("model uri '" + uri + "' is not a valid path");
    }
    if (p.isAbsolute() || origin == null) {
      return uri;
    }
    if (!origin.startsWith("file:") && origin.matches("^[a-zA-Z][a-zA-Z0-9+.-]*://.*")) {
      int slash = origin.lastIndexOf('/');
      return origin.substring(0, slash + 1) + uri.replace('\\', '/');
    }
    Path cfg = origin.startsWith("file:") ? Path.of(java.net.URI.create(origin)) : Path.of(origin);
    Path dir = cfg.toAbsolutePath().getParent();
    return (dir == null ? p.toAbsolutePath() : dir.resolve(p)).normalize().toString();
  }

  private static String text(JsonNode n, String field, String where) {
    JsonNode v = n.get(field);
    if (v == null || !v.isTextual()) {
      throw new IllegalArgumentException("models." + where + "." + field + " must be a string");
    }
    return v.asText();
  }

  private static List<String> strings(JsonNode arr) {
    List<String> out = new ArrayList<>();
    arr.forEach(x -> out.add(x.asText()));
    return out;
  }

  /**
   * Zero-shot scene filter: an image is kept when the softmax mass of the include prompts (over
   * include + exclude prompts, CLIP logit scale 100) is at least {@code threshold}.
   */
  public record SceneFilterSettings(List<String> include, List<String> exclude, double threshold)
      implements Serializable {
    public SceneFilterSettings {
      include = List.copyOf(include);
      exclude = List.copyOf(exclude);
      if (include.isEmpty()) {
        throw new IllegalArgumentException("scene_filter.include must name at least one prompt");
      }
      if (!(threshold >= 0 && threshold <= 1)) {
        throw new IllegalArgumentException(
            "scene_filter.threshold must be in [0, 1], got " + threshold);
      }
    }

    public static SceneFilterSettings defaults() {
      return new SceneFilterSettings(
          List.of(
              "a photo of an indoor scene",
              "a photo of a room with furniture",
              "a photo of an outdoor scene",
              "a photo of a street",
              "a photo of a landscape"),
          List.of(
              "a product photo on a white background",
              "a screenshot of a computer screen",
              "a scanned document with text",
              "a close-up photo of a single object",
              "a drawing or illustration",
              "a logo or graphic"),
          0.5);
    }
  }

  /** Open-vocabulary detector settings: text queries, score threshold, NMS IoU, object cap. */
  public record DetectorSettings(
      List<String> vocabulary, double scoreThreshold, double nmsIou, int maxObjects)
      implements Serializable {
    public DetectorSettings {
      vocabulary = List.copyOf(vocabulary);
      if (vocabulary.isEmpty()) {
        throw new IllegalArgumentException("detector.vocabulary must name at least one class");
      }
      if (!(scoreThreshold >= 0 && scoreThreshold <= 1)) {
        throw new IllegalArgumentException(
            "detector.score_threshold must be in [0, 1], got " + scoreThreshold);
      }
      if (!(nmsIou > 0 && nmsIou <= 1)) {
        throw new IllegalArgumentException("detector.nms_iou must be in (0, 1], got " + nmsIou);
      }
      if (maxObjects < 1) {
        throw new IllegalArgumentException("detector.max_objects must be >= 1, got " + maxObjects);
      }
    }

    public static DetectorSettings defaults() {
      return new DetectorSettings(
          List.of(
              "chair",
              "table",
              "sofa",
              "bed",
              "lamp",
              "cabinet",
              "shelf",
              "door",
              "window",
              "television",
              "plant",
              "car",
              "person",
              "bicycle",
              "bench",
              "tree",
              "building",
              "cup",
              "bottle",
              "laptop",
              "box",
              "pillow",
              "sink",
              "toilet",
              "refrigerator"),
          0.2,
          0.5,
          20);
    }
  }

  /** Which region proposer perception runs. */
  public enum RegionsKind {
    /** OWLv2 open-vocabulary detector over {@code detector.vocabulary}. */
    DETECTOR("detector", List.of(ModelRole.DETECTOR)),
    /** Florence-2 region captions (free text). */
    FLORENCE2(
        "florence2",
        List.of(
            ModelRole.FLORENCE2_VISION_ENCODER,
            ModelRole.FLORENCE2_EMBED_TOKENS,
            ModelRole.FLORENCE2_ENCODER,
            ModelRole.FLORENCE2_DECODER),
        List.of(ModelRole.FLORENCE2_DECODER_WITH_PAST));

    private final String key;
    private final List<ModelRole> roles;
    private final List<ModelRole> optionalRoles;

    RegionsKind(String key, List<ModelRole> roles) {
      this(key, roles, List.of());
    }

    RegionsKind(String key, List<ModelRole> roles, List<ModelRole> optionalRoles) {
      this.key = key;
      this.roles = roles;
      this.optionalRoles = optionalRoles;
    }

    /** Roles this proposer uses when configured (Florence-2: the KV-cache decoder). */
    public List<ModelRole> optionalRoles() {
      return optionalRoles;
    }

    public String key() {
      return key;
    }

    /** The model roles this proposer needs. */
    public List<ModelRole> roles() {
      return roles;
    }

    public static RegionsKind fromKey(String key) {
      for (RegionsKind k : values()) {
        if (k.key.equals(key)) {
          return k;
        }
      }
      throw new IllegalArgumentException(
          "regions.kind must be one of "
              + java.util.Arrays.stream(values()).map(RegionsKind::key).toList()
              + ", got '"
              + key
              + "'");
    }
  }

  /**
   * The region proposer and, for Florence-2, its generation and post-processing: the task prompt
   * ({@code <DENSE_REGION_CAPTION>} or {@code <OD>}), greedy decoding ({@code num_beams} 1; more is
   * HF-style beam search without the KV cache) up to {@code max_new_tokens} with {@code
   * no_repeat_ngram_size} (0 = off; HF's generation config uses 3), NMS among regions of the same
   * caption at {@code nms_iou}, at most {@code max_objects} regions. The detector kind takes its
   * settings from {@code detector}.
   */
  public record RegionsSettings(
      RegionsKind kind,
      String task,
      int maxNewTokens,
      int noRepeatNgramSize,
      int maxObjects,
      double nmsIou,
      int numBeams)
      implements Serializable {
    public static final String DENSE_REGION_CAPTION = "<DENSE_REGION_CAPTION>";
    public static final String OD = "<OD>";
    static final List<String> FIELDS =
        List.of(
            "kind",
            "task",
            "max_new_tokens",
            "no_repeat_ngram_size",
            "max_objects",
            "nms_iou",
            "num_beams");

    /** Greedy decoding (one beam). */
    public RegionsSettings(
        RegionsKind kind,
        String task,
        int maxNewTokens,
        int noRepeatNgramSize,
        int maxObjects,
        double nmsIou) {
      this(kind, task, maxNewTokens, noRepeatNgramSize, maxObjects, nmsIou, 1);
    }

    public RegionsSettings {
      if (kind == null) {
        throw new IllegalArgumentException("regions.kind must be set");
      }
      if (!DENSE_REGION_CAPTION.equals(task) && !OD.equals(task)) {
        throw new IllegalArgumentException(
            "regions.task must be " + DENSE_REGION_CAPTION + " or " + OD + ", got '" + task + "'");
      }
      if (maxNewTokens < 2 || maxNewTokens > 4096) {
        throw new IllegalArgumentException(
            "regions.max_new_tokens must be in [2, 4096], got " + maxNewTokens);
      }
      if (noRepeatNgramSize < 0) {
        throw new IllegalArgumentException(
            "regions.no_repeat_ngram_size must be >= 0 (0 = off), got " + noRepeatNgramSize);
      }
      if (maxObjects < 1) {
        throw new IllegalArgumentException("regions.max_objects must be >= 1, got " + maxObjects);
      }
      if (!(nmsIou > 0 && nmsIou <= 1)) {
        throw new IllegalArgumentException("regions.nms_iou must be in (0, 1], got " + nmsIou);
      }
      if (numBeams < 1 || numBeams > 16) {
        throw new IllegalArgumentException(
            "regions.num_beams must be in [1, 16] (1 = greedy; HF's Florence-2 config uses 3), got "
                + numBeams);
      }
    }

    public static RegionsSettings defaults() {
      return new RegionsSettings(RegionsKind.DETECTOR, DENSE_REGION_CAPTION, 256, 3, 20, 0.5);
    }

    public RegionsSettings withKind(RegionsKind k) {
      return new RegionsSettings(
          k, task, maxNewTokens, noRepeatNgramSize, maxObjects, nmsIou, numBeams);
    }
  }

  /**
   * What the depth model outputs. Only metric depth can give metric answers, and no signature tells
   * metric from relative (Depth Anything V2's relative and metric exports both map {@code
   * pixel_values} to {@code predicted_depth}), so the config must say {@code "depth_kind":
   * "metric"} with the model's {@code max_depth} in metres (20 for the Metric-Indoor models, 80 for
   * Metric-Outdoor): predictions above it, or ordered like inverse depth, stop the run ({@link
   * dev.spatialvqa.core.perceive.DepthPlausibility}).
   */
  public record DepthSettings(double maxDepthM) implements Serializable {
    static final String ADVICE =
        "spatialvqa needs metric depth in metres: use a Depth Anything V2 Metric export"
            + " (depth-anything/Depth-Anything-V2-Metric-Indoor-Small-hf, max_depth 20, or"
            + " -Metric-Outdoor-, max_depth 80; see the README) and declare it with"
            + " \"depth_kind\": \"metric\", \"max_depth\": 20 in the depth entry."
            + " onnx-community/depth-anything-v2-small (and -base, -large) is the relative model:"
            + " it outputs inverse relative depth, which would be stored as metres with near and far"
            + " swapped";

    public DepthSettings {
      if (!(maxDepthM > 0 && maxDepthM <= 1000)) {
        throw new IllegalArgumentException(
            "models.depth.max_depth must be in (0, 1000] metres, got " + maxDepthM);
      }
    }

    static DepthSettings parse(JsonNode n) {
      JsonNode kind = n.get("depth_kind");
      if (kind == null || !kind.isTextual()) {
        throw new IllegalArgumentException(
            "models.depth.depth_kind must be set to \"metric\" (with max_depth): " + ADVICE);
      }
      if (!kind.asText().equals("metric")) {
        throw new IllegalArgumentException(
            "models.depth.depth_kind is '"
                + kind.asText()
                + "'; only \"metric\" is supported: "
                + ADVICE);
      }
      JsonNode max = n.get("max_depth");
      if (max == null || !max.isNumber()) {
        throw new IllegalArgumentException(
            "models.depth.max_depth must be a number (metres; 20 for the Metric-Indoor models, 80"
                + " for Metric-Outdoor)");
      }
      return new DepthSettings(max.asDouble());
    }
  }
}
