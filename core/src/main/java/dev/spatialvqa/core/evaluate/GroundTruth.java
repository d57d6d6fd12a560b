package dev.spatialvqa.core.evaluate;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spatialvqa.schemas.Intrinsics;
import dev.spatialvqa.schemas.IntrinsicsSource;
import dev.spatialvqa.schemas.SceneObject;
import dev.spatialvqa.schemas.SceneRecord;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One scene's {@code ground_truth.json}: read only by the scorer, never by the engine. The format
 * (SUN RGB-D and KITTI as prepared in the project's development data):
 *
 * <ul>
 *   <li>{@code K_0based}: 3x3 intrinsics, 0-based pixel centres.
 *   <li>{@code R_cv_to_upright}: 3x3 rotation, {@code p_upright = R p_camera} (OpenCV camera axes:
 *       x right, y down, z forward). Upright frame: x right, y forward (horizontal), z up, origin
 *       at the camera. Its third row is gravity "up" in camera coordinates.
 *   <li>{@code objects[]}: {@code id} (number or text; absent: the 1-based position in the list),
 *       {@code class}, {@code box3d_upright} {{@code center} (m), {@code size_xyz} (full extents
 *       along the box's heading axis, the perpendicular horizontal axis and up), {@code
 *       heading_rad} (counter-clockwise about +z from +x), {@code corners} (8x3, optional)}. KITTI
 *       {@code DontCare} regions (no 3D box) are skipped.
 *   <li>{@code image_size_wh}: optional.
 * </ul>
 *
 * Everything else in the file (KITTI's {@code dims_lhw}, {@code rotation_y}, {@code truncated}, SUN
 * RGB-D's {@code Rtilt_raw}, ...) is left alone. When {@code corners} are given they are the box:
 * the axis-aligned extents and the bottom come from them (KITTI's boxes, upright in the rectified
 * camera frame, are tilted by about a degree in the Velodyne-level upright frame), and they must
 * agree with center, size and heading within 5 cm plus 2% of the box's diagonal. Implausible values
 * (not a rotation, non-positive or over 100 m sizes, non-finite numbers, duplicate ids) are refused
 * with an {@link IllegalArgumentException} naming the field.
 */
public final class GroundTruth {
  /** Sizes beyond this are not an object of a scene (metres). */
  public static final double MAX_SIZE_M = 100;

  /** How far R_cv_to_upright may be from a rotation (|R R^T - I| per entry, |det - 1|). */
  public static final double ROTATION_TOLERANCE = 1e-3;

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * One ground-truth box in the upright frame.
   *
   * @param centerCamera the box centre in OpenCV camera coordinates ({@code R^T center})
   * @param bottomZ the lowest corner's height in the upright frame (origin at the camera)
   */
  public record Box(
      String id,
      String cls,
      double[] center,
      double[] size,
      double heading,
      double[][] corners,
      double[] centerCamera,
      double bottomZ) {
    /** Extents of the axis-aligned box around the corners (x right, y forward, z up). */
    public double[] aabbExtent() {
      double[] e = new double[3];
      for (int k = 0; k < 3; k++) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (double[] c : corners) {
          lo = Math.min(lo, c[k]);
          hi = Math.max(hi, c[k]);
        }
        e[k] = hi - lo;
      }
      return e;
    }

    public double volume() {
      return size[0] * size[1] * size[2];
    }
  }

  private final String sceneId;
  private final Map<String, Box> boxes;
  private final Double cameraHeight;
  private final double[] rCvToUpright;
  private final double[] k;
  private final int imageWidth;
  private final int imageHeight;

  private GroundTruth(String sceneId, JsonNode root) {
    this.sceneId = sceneId;
    if (root == null || !root.isObject()) {
      throw bad("the file must hold one JSON object");
    }
    this.k = matrix(root, "K_0based");
    if (!(k[0] > 0) || !(k[4] > 0)) {
      throw bad("K_0based must have positive focal lengths, got fx=" + k[0] + " fy=" + k[4]);
    }
    this.rCvToUpright = matrix(root, "R_cv_to_upright");
    checkRotation(rCvToUpright);
    int w = 0;
    int h = 0;
    JsonNode size = root.get("image_size_wh");
    if (size != null && size.isArray() && size.size() == 2) {
      w = size.get(0).asInt();
      h = size.get(1).asInt();
    }
    this.imageWidth = w;
    this.imageHeight = h;
    JsonNode objects = root.get("objects");
    if (objects == null || !objects.isArray()) {
      throw bad("objects must be an array (empty for a gravity-only scene)");
    }
    Map<String, Box> m = new LinkedHashMap<>();
    double minBottom = Double.POSITIVE_INFINITY;
    for (int i = 0; i < objects.size(); i++) {
      JsonNode o = objects.get(i);
      String where = "objects[" + i + "]";
      if (o == null || !o.isObject()) {
        throw bad(where + " must be an object");
      }
      String cls = o.hasNonNull("class") ? o.get("class").asText() : "object";
      if (cls.equals("DontCare")) {
        continue;
      }
      String id = id(o, i, where);
      if (m.containsKey(id)) {
        throw bad(where + ": duplicate id " + id);
      }
      Box box = box(id, cls, o.get("box3d_upright"), where + ".box3d_upright");
      m.put(id, box);
      minBottom = Math.min(minBottom, box.bottomZ());
    }
    this.boxes = Collections.unmodifiableMap(m);
    this.cameraHeight = minBottom < 0 ? -minBottom : null;
  }

  /** Parses a ground-truth file's bytes (UTF-8 JSON). */
  public static GroundTruth parse(String sceneId, byte[] json) {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          "ground truth of " + sceneId + " is not valid JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "ground truth of " + sceneId + " cannot be read: " + e.getMessage());
    }
    return new GroundTruth(sceneId, root);
  }

  public static GroundTruth of(String sceneId, JsonNode root) {
    return new GroundTruth(sceneId, root);
  }

  public String sceneId() {
    return sceneId;
  }

  /** The boxes by id, in file order. */
  public Map<String, Box> boxes() {
    return boxes;
  }

  /**
   * The camera's height above the floor, taken as the lowest box bottom below the camera; null when
   * no box reaches below the camera (then elevations cannot be scored).
   */
  public Double cameraHeight() {
    return cameraHeight;
  }

  /** Row-major 3x3 rotation: p_upright = R p_camera (OpenCV camera axes). */
  public double[] rCvToUpright() {
    return rCvToUpright.clone();
  }

  /** Row-major 3x3 intrinsics (0-based pixel centres). */
  public double[] k() {
    return k.clone();
  }

  /** Gravity "up" in OpenCV camera coordinates: the third row of R_cv_to_upright, unit length. */
  public double[] upCamera() {
    double[] u = {rCvToUpright[6], rCvToUpright[7], rCvToUpright[8]};
    double n = Math.sqrt(u[0] * u[0] + u[1] * u[1] + u[2] * u[2]);
    return new double[] {u[0] / n, u[1] / n, u[2] / n};
  }

  /**
   * The ground-truth boxes as a scene record (origin moved to the floor below the camera when the
   * camera height is known), with {@code "the " + class} as referring expression: what the tie
   * margins are measured on.
   */
  public SceneRecord sceneRecord() {
    double lift = cameraHeight == null ? 0 : cameraHeight;
    List<SceneObject> objs = new ArrayList<>();
    for (Box b : boxes.values()) {
      double[] e = b.aabbExtent();
      List<Double> c = List.of(b.center()[0], b.center()[1], b.center()[2] + lift);
      objs.add(
          SceneObject.newBuilder()
              .setObjectId(b.id())
              .setCaption(b.cls().replace('_', ' '))
              .setReferringExpression(referringExpression(b.cls()))
              .setNumPoints(1000)
              .setCenterCamera(
                  List.of(b.centerCamera()[0], b.centerCamera()[1], b.centerCamera()[2]))
              .setCenter(c)
              .setExtent(List.of(e[0], e[1], e[2]))
              .setHeadingRad(b.heading())
              .setOrientedCenter(c)
              .setOrientedExtent(List.of(b.size()[0], b.size()[1], b.size()[2]))
              .build());
    }
    return SceneRecord.newBuilder()
        .setSceneId(sceneId)
        .setImageUri("ground-truth:" + sceneId)
        .setImageWidth(imageWidth)
        .setImageHeight(imageHeight)
        .setIntrinsics(new Intrinsics(k[0], k[4], k[2], k[5]))
        .setIntrinsicsSource(IntrinsicsSource.given)
        .setCanonicalized(true)
        .setGravityUpCamera(List.of(rCvToUpright[6], rCvToUpright[7], rCvToUpright[8]))
        .setCameraHeightM(cameraHeight)
        .setObjects(objs)
        .build();
  }

  public static String referringExpression(String cls) {
    return "the " + cls.replace('_', ' ');
  }

  private Box box(String id, String cls, JsonNode b, String where) {
    if (b == null || !b.isObject()) {
      throw bad(where + " is missing (every object needs a 3D box)");
    }
    double[] center = vec(b.get("center"), 3, where + ".center");
    double[] size = vec(b.get("size_xyz"), 3, where + ".size_xyz");
    for (double s : size) {
      if (!(s > 0) || s > MAX_SIZE_M) {
        throw bad(where + ".size_xyz must be in (0, " + MAX_SIZE_M + "] m, got " + s);
      }
    }
    JsonNode hn = b.get("heading_rad");
    if (hn == null || !hn.isNumber() || !Double.isFinite(hn.asDouble())) {
      throw bad(where + ".heading_rad must be a finite number");
    }
    double heading = hn.asDouble();
    double[][] model = corners(center, size, heading);
    double[][] corners;
    JsonNode cn = b.get("corners");
    if (cn == null || cn.isNull()) {
      corners = model;
    } else {
      if (!cn.isArray() || cn.size() != 8) {
        throw bad(where + ".corners must be 8 points");
      }
      corners = new double[8][];
      for (int i = 0; i < 8; i++) {
        corners[i] = vec(cn.get(i), 3, where + ".corners[" + i + "]");
      }
      double diag = Math.sqrt(size[0] * size[0] + size[1] * size[1] + size[2] * size[2]);
      double tol = 0.05 + 0.02 * diag;
      for (double[] c : corners) {
        double best = Double.POSITIVE_INFINITY;
        for (double[] p : model) {
          best = Math.min(best, dist(c, p));
        }
        if (best > tol) {
          throw bad(
              String.format(
                  "%s.corners do not describe the box of center, size_xyz and heading_rad (a"
                      + " corner is %.3f m from the nearest, more than %.3f m)",
                  where, best, tol));
        }
      }
    }
    double bottom = Double.POSITIVE_INFINITY;
    for (double[] c : corners) {
      bottom = Math.min(bottom, c[2]);
    }
    double[] r = rCvToUpright;
    double[] cam = {
      r[0] * center[0] + r[3] * center[1] + r[6] * center[2],
      r[1] * center[0] + r[4] * center[1] + r[7] * center[2],
      r[2] * center[0] + r[5] * center[1] + r[8] * center[2]
    };
    return new Box(id, cls, center, size, heading, corners, cam, bottom);
  }

  /** The 8 corners of a box with heading about +z (local x along the heading). */
  static double[][] corners(double[] c, double[] s, double heading) {
    double ch = Math.cos(heading);
    double sh = Math.sin(heading);
    double[][] out = new double[8][];
    int i = 0;
    for (int sx = -1; sx <= 1; sx += 2) {
      for (int sy = -1; sy <= 1; sy += 2) {
        for (int sz = -1; sz <= 1; sz += 2) {
          double lx = sx * s[0] / 2;
          double ly = sy * s[1] / 2;
          out[i++] =
              new double[] {
                c[0] + ch * lx - sh * ly, c[1] + sh * lx + ch * ly, c[2] + sz * s[2] / 2
              };
        }
      }
    }
    return out;
  }

  private String id(JsonNode o, int index, String where) {
    JsonNode id = o.get("id");
    if (id == null || id.isNull()) {
      return Integer.toString(index + 1);
    }
    if (id.isIntegralNumber() || (id.isTextual() && !id.asText().isBlank())) {
      return id.asText();
    }
    throw bad(where + ".id must be a whole number or a non-empty text, got " + id);
  }

  private double[] matrix(JsonNode root, String field) {
    JsonNode m = root.get(field);
    if (m == null || !m.isArray() || m.size() != 3) {
      throw bad(field + " must be a 3x3 matrix");
    }
    double[] out = new double[9];
    for (int i = 0; i < 3; i++) {
      double[] row = vec(m.get(i), 3, field + "[" + i + "]");
      System.arraycopy(row, 0, out, 3 * i, 3);
    }
    return out;
  }

  private void checkRotation(double[] r) {
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j < 3; j++) {
        double dot =
            r[3 * i] * r[3 * j] + r[3 * i + 1] * r[3 * j + 1] + r[3 * i + 2] * r[3 * j + 2];
        if (Math.abs(dot - (i == j ? 1 : 0)) > ROTATION_TOLERANCE) {
          throw bad("R_cv_to_upright is not a rotation (its rows are not orthonormal)");
        }
      }
    }
    double det =
        r[0] * (r[4] * r[8] - r[5] * r[7])
            - r[1] * (r[3] * r[8] - r[5] * r[6])
            + r[2] * (r[3] * r[7] - r[4] * r[6]);
    if (Math.abs(det - 1) > ROTATION_TOLERANCE) {
      throw bad("R_cv_to_upright is not a rotation (determinant " + det + ", a reflection?)");
    }
  }

  private double[] vec(JsonNode n, int len, String where) {
    if (n == null || !n.isArray() || n.size() != len) {
      throw bad(where + " must be an array of " + len + " numbers");
    }
    double[] v = new double[len];
    for (int i = 0; i < len; i++) {
      JsonNode x = n.get(i);
      if (!x.isNumber() || !Double.isFinite(x.asDouble())) {
        throw bad(where + " must hold finite numbers, got " + x);
      }
      v[i] = x.asDouble();
    }
    return v;
  }

  private static double dist(double[] a, double[] b) {
    double dx = a[0] - b[0];
    double dy = a[1] - b[1];
    double dz = a[2] - b[2];
    return Math.sqrt(dx * dx + dy * dy + dz * dz);
  }

  private IllegalArgumentException bad(String message) {
    return new IllegalArgumentException("ground truth of " + sceneId + ": " + message);
  }
}
