package dev.spatialvqa.core.load;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.spatialvqa.core.ingest.JsonLines;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Parses one scene-manifest line (JSON). Format: {@code data/README.md}. Every problem is an {@link
 * InputException} with a reason code: {@code malformed_json} (also for two JSON values on one
 * line), {@code missing_field}, {@code bad_field}, {@code unknown_field} (a near miss of a known
 * field, {@link FieldNames}), {@code bad_intrinsics}.
 */
public final class ManifestParser {

  /**
   * The manifest line's fields; near misses of these are errors ({@link FieldNames}). {@code
   * ground_truth} (a path to the scene's ground_truth.json) is read only by {@code evaluate}'s
   * scorer: the engine ignores it.
   */
  public static final Set<String> FIELDS =
      Set.of(
          "scene_id",
          "image",
          "depth",
          "depth_scale_m",
          "intrinsics",
          "gravity_up_camera",
          "instances",
          "objects",
          "ground_truth");

  static final Set<String> OBJECT_FIELDS = Set.of("id", "caption", "box2d_xyxy");
  static final Set<String> INTRINSICS_FIELDS = Set.of("fx", "fy", "cx", "cy");

  private ManifestParser() {}

  public static ManifestEntry parse(String line) throws InputException {
    JsonNode root;
    try {
      root = JsonLines.read(line);
    } catch (JsonProcessingException e) {
      throw new InputException(
          "malformed_json", "manifest line is not valid JSON: " + JsonLines.describe(e));
    }
    if (root == null || !root.isObject()) {
      throw new InputException("malformed_json", "manifest line must be a JSON object");
    }
    FieldNames.check(root, FIELDS, "");
    String sceneId = requiredText(root, "scene_id");
    String image = requiredText(root, "image");
    String depth = optionalText(root, "depth");
    double depthScale = 0.001;
    if (root.hasNonNull("depth_scale_m")) {
      JsonNode s = root.get("depth_scale_m");
      if (!s.isNumber() || !(s.asDouble() > 0) || !Double.isFinite(s.asDouble())) {
        throw new InputException(
            "bad_field",
            "depth_scale_m must be a positive number (metres per depth unit), got " + s);
      }
      depthScale = s.asDouble();
    } else if (depth != null) {
      throw new InputException(
          "missing_field", "depth_scale_m is required when depth is given (metres per depth unit)");
    }
    double[] intrinsics = null;
    if (root.hasNonNull("intrinsics")) {
      JsonNode k = root.get("intrinsics");
      if (!k.isObject()) {
        throw new InputException("bad_intrinsics", "intrinsics must be an object {fx, fy, cx, cy}");
      }
      FieldNames.check(k, INTRINSICS_FIELDS, "intrinsics.");
      intrinsics = new double[4];
      String[] names = {"fx", "fy", "cx", "cy"};
      for (int i = 0; i < 4; i++) {
        JsonNode v = k.get(names[i]);
        if (v == null || !v.isNumber()) {
          throw new InputException(
              "bad_intrinsics", "intrinsics." + names[i] + " must be a number, got " + v);
        }
        intrinsics[i] = v.asDouble();
      }
    }
    double[] up = null;
    if (root.hasNonNull("gravity_up_camera")) {
      up = numbers(root.get("gravity_up_camera"), "gravity_up_camera", 3);
      double n = Math.sqrt(up[0] * up[0] + up[1] * up[1] + up[2] * up[2]);
      if (!(n > 1e-9) || !Double.isFinite(n)) {
        throw new InputException("bad_field", "gravity_up_camera must be a non-zero finite vector");
      }
      for (int i = 0; i < 3; i++) {
        up[i] /= n;
      }
    }
    String instances = optionalText(root, "instances");
    List<ManifestEntry.Obj> objects = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    JsonNode objs = root.get("objects");
    if (objs != null && !objs.isNull()) {
      if (!objs.isArray()) {
        throw new InputException("bad_field", "objects must be an array");
      }
      int i = 0;
      for (JsonNode o : objs) {
        String where = "objects[" + i + "]";
        if (!o.isObject()) {
          throw new InputException("bad_field", where + " must be an object");
        }
        FieldNames.check(o, OBJECT_FIELDS, where + ".");
        JsonNode idNode = o.get("id");
        if (idNode == null || !(idNode.isTextual() || idNode.isIntegralNumber())) {
          throw new InputException("missing_field", where + ".id must be a string or an integer");
        }
        String id = idNode.asText();
        if (!ids.add(id)) {
          throw new InputException("bad_field", where + ".id '" + id + "' is used twice");
        }
        JsonNode cap = o.get("caption");
        if (cap == null || !cap.isTextual() || cap.asText().isBlank()) {
          throw new InputException("missing_field", where + ".caption must be a non-empty string");
        }
        double[] box = null;
        if (o.hasNonNull("box2d_xyxy")) {
          box = numbers(o.get("box2d_xyxy"), where + ".box2d_xyxy", 4);
          if (!(box[2] > box[0]) || !(box[3] > box[1])) {
            throw new InputException(
                "bad_field",
                where + ".box2d_xyxy must have x1 > x0 and y1 > y0, got " + o.get("box2d_xyxy"));
          }
        }
        objects.add(new ManifestEntry.Obj(id, cap.asText().trim(), box));
        i++;
      }
    }
    return new ManifestEntry(sceneId, image, depth, depthScale, intrinsics, up, instances, objects);
  }

  private static String requiredText(JsonNode root, String field) throws InputException {
    JsonNode n = root.get(field);
    if (n == null || n.isNull()) {
      throw new InputException("missing_field", "manifest line has no '" + field + "'");
    }
    if (!n.isTextual() || n.asText().isBlank()) {
      throw new InputException("bad_field", "'" + field + "' must be a non-empty string, got " + n);
    }
    return n.asText();
  }

  private static String optionalText(JsonNode root, String field) throws InputException {
    JsonNode n = root.get(field);
    if (n == null || n.isNull()) {
      return null;
    }
    if (!n.isTextual() || n.asText().isBlank()) {
      throw new InputException("bad_field", "'" + field + "' must be a non-empty string, got " + n);
    }
    return n.asText();
  }

  private static double[] numbers(JsonNode n, String field, int count) throws InputException {
    if (n == null || !n.isArray() || n.size() != count) {
      throw new InputException(
          "bad_field", field + " must be an array of " + count + " numbers, got " + n);
    }
    double[] out = new double[count];
    for (int i = 0; i < count; i++) {
      if (!n.get(i).isNumber() || !Double.isFinite(n.get(i).asDouble())) {
        throw new InputException(
            "bad_field", field + "[" + i + "] must be a finite number, got " + n.get(i));
      }
      out[i] = n.get(i).asDouble();
    }
    return out;
  }
}
