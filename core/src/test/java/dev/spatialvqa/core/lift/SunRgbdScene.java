package dev.spatialvqa.core.lift;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * A real scene read from the test classpath: a bundled SUN RGB-D bedroom ({@code
 * /sunrgbd-dev/...}), or any folder laid out the same way ({@code /kitti-dev/...}, {@code
 * /sunrgbd-gravity-dev/...}; an absent {@code instances} map gives objects with a box and no mask).
 */
record SunRgbdScene(
    String id,
    DepthImage depth,
    CameraIntrinsics intrinsics,
    List<ObjectInput> objects,
    double[] gtUp,
    JsonNode groundTruth) {

  private static final ObjectMapper JSON = new ObjectMapper();

  static SunRgbdScene load(String sceneId) {
    return load("sunrgbd-dev", sceneId);
  }

  static SunRgbdScene load(String folder, String sceneId) {
    try {
      JsonNode entry = null;
      String manifest =
          new String(
              resource("/" + folder + "/manifest.jsonl").readAllBytes(),
              java.nio.charset.StandardCharsets.UTF_8);
      for (String line : manifest.split("\n")) {
        if (!line.isBlank() && JSON.readTree(line).get("scene_id").asText().equals(sceneId)) {
          entry = JSON.readTree(line);
        }
      }
      if (entry == null) {
        throw new IllegalArgumentException("no scene " + sceneId);
      }
      String dir = "/" + folder + "/";
      BufferedImage d = ImageIO.read(resource(dir + entry.get("depth").asText()));
      Raster r = d.getRaster();
      int w = d.getWidth(), h = d.getHeight();
      double scale = entry.get("depth_scale_m").asDouble();
      float[] metres = new float[w * h];
      for (int v = 0; v < h; v++) {
        for (int u = 0; u < w; u++) {
          metres[v * w + u] = (float) (r.getSample(u, v, 0) * scale);
        }
      }
      Raster inst =
          entry.has("instances")
              ? ImageIO.read(resource(dir + entry.get("instances").asText())).getRaster()
              : null;
      List<ObjectInput> objects = new ArrayList<>();
      for (JsonNode o : entry.get("objects")) {
        int id = o.get("id").asInt();
        byte[] mask = inst == null ? null : MaskBits.allocate(w, h);
        for (int v = 0; inst != null && v < h; v++) {
          for (int u = 0; u < w; u++) {
            if (inst.getSample(u, v, 0) == id) {
              MaskBits.set(mask, v * w + u);
            }
          }
        }
        double[] box = new double[4];
        for (int i = 0; i < 4; i++) {
          box[i] = o.get("box2d_xyxy").get(i).asDouble();
        }
        objects.add(new ObjectInput(String.valueOf(id), o.get("caption").asText(), box, mask));
      }
      JsonNode k = entry.get("intrinsics");
      CameraIntrinsics intr =
          new CameraIntrinsics(
              k.get("fx").asDouble(),
              k.get("fy").asDouble(),
              k.get("cx").asDouble(),
              k.get("cy").asDouble());
      JsonNode gt = JSON.readTree(resource(dir + sceneId + "/ground_truth.json"));
      JsonNode row = gt.get("R_cv_to_upright").get(2);
      double[] up = {row.get(0).asDouble(), row.get(1).asDouble(), row.get(2).asDouble()};
      return new SunRgbdScene(sceneId, new DepthImage(w, h, metres), intr, objects, up, gt);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static InputStream resource(String path) {
    InputStream in = SunRgbdScene.class.getResourceAsStream(path);
    if (in == null) {
      throw new IllegalStateException("missing test resource " + path);
    }
    return in;
  }

  /** Ground-truth object by manifest id. */
  JsonNode gtObject(String id) {
    for (JsonNode o : groundTruth.get("objects")) {
      if (String.valueOf(o.get("id").asInt()).equals(id)) {
        return o;
      }
    }
    throw new IllegalArgumentException("no ground-truth object " + id);
  }

  /** The objects without their masks (box-only input). */
  List<ObjectInput> boxOnly() {
    List<ObjectInput> out = new ArrayList<>();
    for (ObjectInput o : objects) {
      out.add(new ObjectInput(o.objectId(), o.caption(), o.box2dXyxy(), null));
    }
    return out;
  }
}
