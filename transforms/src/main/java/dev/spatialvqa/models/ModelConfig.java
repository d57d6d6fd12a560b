package dev.spatialvqa.models;

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
 *     "depth":       {"name": "depth-anything-v2-metric-indoor-small", "uri": "...", "sha256": "..."},
 *     "detector":    {"name": "owlv2-base-patch16-ensemble", "uri": "...", "sha256": "...",
 *                     "tokenizer": {"uri": "...", "sha256": "..."}},
 *     "sam_encoder": {"name": "mobile-sam-encoder", "uri": "...", "sha256": "..."},
 *     "sam_decoder": {"name": "mobile-sam-decoder", "uri": "...", "sha256": "..."}
 *   },
 *   "scene_filter": {"include": ["..."], "exclude": ["..."], "threshold": 0.5},
 *   "detector": {"vocabulary": ["chair", "table"], "score_threshold": 0.2, "nms_iou": 0.5, "max_objects": 20}
 * }
 * }</pre>
 */
public record ModelConfig(
    Map<ModelRole, ModelSpec> models,
    String cacheDir,
    SceneFilterSettings sceneFilter,
    DetectorSettings detector)
    implements Serializable {

  public ModelConfig {
    EnumMap<ModelRole, ModelSpec> m = new EnumMap<>(ModelRole.class);
    m.putAll(models);
    models = Collections.unmodifiableMap(m);
    sceneFilter = sceneFilter == null ? SceneFilterSettings.defaults() : sceneFilter;
    detector = detector == null ? DetectorSettings.defaults() : detector;
  }

  public static ModelConfig empty() {
    return new ModelConfig(Map.of(), null, null, null);
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
      throw new ModelException("model config " + origin + " is not valid JSON: " + e.getMessage(), e);
    }
    try {
      Map<ModelRole, ModelSpec> models = new EnumMap<>(ModelRole.class);
      JsonNode ms = root.path("models");
      for (Iterator<Map.Entry<String, JsonNode>> it = ms.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        ModelRole role = ModelRole.fromKey(e.getKey());
        JsonNode n = e.getValue();
        FileRef file = new FileRef(text(n, "uri", e.getKey()), text(n, "sha256", e.getKey()));
        FileRef tok = null;
        if (n.has("tokenizer")) {
          JsonNode t = n.get("tokenizer");
          tok = new FileRef(text(t, "uri", e.getKey() + ".tokenizer"), text(t, "sha256", e.getKey() + ".tokenizer"));
        }
        String name = n.path("name").asText(e.getKey());
        models.put(role, new ModelSpec(name, role, file, tok));
      }
      String cache = root.hasNonNull("cache_dir") ? root.get("cache_dir").asText() : null;
      SceneFilterSettings sf = SceneFilterSettings.defaults();
      JsonNode s = root.path("scene_filter");
      if (!s.isMissingNode()) {
        sf = new SceneFilterSettings(
            s.has("include") ? strings(s.get("include")) : sf.include(),
            s.has("exclude") ? strings(s.get("exclude")) : sf.exclude(),
            s.path("threshold").asDouble(sf.threshold()));
      }
      DetectorSettings ds = DetectorSettings.defaults();
      JsonNode d = root.path("detector");
      if (!d.isMissingNode()) {
        ds = new DetectorSettings(
            d.has("vocabulary") ? strings(d.get("vocabulary")) : ds.vocabulary(),
            d.path("score_threshold").asDouble(ds.scoreThreshold()),
            d.path("nms_iou").asDouble(ds.nmsIou()),
            d.path("max_objects").asInt(ds.maxObjects()));
      }
      return new ModelConfig(models, cache, sf, ds);
    } catch (IllegalArgumentException e) {
      throw new ModelException("model config " + origin + ": " + e.getMessage(), e);
    }
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
        throw new IllegalArgumentException("scene_filter.threshold must be in [0, 1], got " + threshold);
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
        throw new IllegalArgumentException("detector.score_threshold must be in [0, 1], got " + scoreThreshold);
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
              "chair", "table", "sofa", "bed", "lamp", "cabinet", "shelf", "door", "window",
              "television", "plant", "car", "person", "bicycle", "bench", "tree", "building",
              "cup", "bottle", "laptop", "box", "pillow", "sink", "toilet", "refrigerator"),
          0.2,
          0.5,
          20);
    }
  }
}
