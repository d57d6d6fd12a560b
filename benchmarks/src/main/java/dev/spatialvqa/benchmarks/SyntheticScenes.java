package dev.spatialvqa.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;

/**
 * Renders distinct RGB-D scenes with known geometry for whole-job benchmarks: a floor below a
 * camera pitched down a little, and a few boxes standing on it at random positions and sizes, ray
 * cast per pixel (z-buffer depth in millimetres, an instance map, a shaded colour image with noise
 * so no two images are alike). Each scene is different, so no dedupe removes one.
 */
final class SyntheticScenes {
  static final int WIDTH = 640;
  static final int HEIGHT = 480;
  static final double FX = 525;
  static final String[] CAPTIONS = {
    "chair", "table", "cabinet", "sofa", "box", "lamp", "desk", "shelf", "bin", "stool"
  };
  private static final ObjectMapper JSON = new ObjectMapper();

  private SyntheticScenes() {}

  /** An axis-aligned box on the floor, world frame (x right, y up, z forward), metres. */
  record Box(double x0, double x1, double y1, double z0, double z1) {}

  /** Writes {@code n} scenes under {@code dir} and returns the manifest's path. */
  static Path write(Path dir, int n, long seed) throws IOException {
    Files.createDirectories(dir);
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      lines.add(
          writeScene(dir, "synthetic-" + seed + "-" + i, new SplittableRandom(seed * 7919 + i)));
    }
    Path manifest = dir.resolve("manifest.jsonl");
    Files.write(manifest, lines);
    return manifest;
  }

  private static String writeScene(Path dir, String id, SplittableRandom rnd) throws IOException {
    double cameraHeight = 1.2 + 0.4 * rnd.nextDouble();
    double pitch = Math.toRadians(8 + 12 * rnd.nextDouble()); // looking down
    int count = 3 + rnd.nextInt(4);
    List<Box> boxes = new ArrayList<>();
    for (int b = 0; b < count; b++) {
      double w = 0.3 + 0.9 * rnd.nextDouble();
      double d = 0.3 + 0.8 * rnd.nextDouble();
      double h = 0.3 + 1.2 * rnd.nextDouble();
      double cx = -1.8 + 3.6 * rnd.nextDouble();
      double cz = 2.2 + 3.5 * rnd.nextDouble();
      boxes.add(new Box(cx - w / 2, cx + w / 2, h, cz - d / 2, cz + d / 2));
    }
    int[] inst = new int[WIDTH * HEIGHT];
    BufferedImage depth = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_USHORT_GRAY);
    BufferedImage rgb = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
    BufferedImage ids = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_BYTE_GRAY);
    double cp = Math.cos(pitch), sp = Math.sin(pitch);
    int[][] colours = new int[count + 1][];
    for (int c = 0; c <= count; c++) {
      colours[c] = new int[] {40 + rnd.nextInt(200), 40 + rnd.nextInt(200), 40 + rnd.nextInt(200)};
    }
    for (int v = 0; v < HEIGHT; v++) {
      for (int u = 0; u < WIDTH; u++) {
        // camera ray (OpenCV: x right, y down, z forward) rotated into the world (y up)
        double xc = (u - WIDTH / 2.0) / FX, yc = (v - HEIGHT / 2.0) / FX;
        double dx = xc, dy = -(yc * cp + sp), dz = -yc * sp + cp; // pitch down by `pitch`
        double best = Double.POSITIVE_INFINITY;
        int hit = -1;
        if (dy < 0) {
          best = cameraHeight / -dy; // floor y = -cameraHeight relative to the camera
          hit = 0;
        }
        for (int b = 0; b < count; b++) {
          double t = intersect(boxes.get(b), cameraHeight, dx, dy, dz);
          if (t < best) {
            best = t;
            hit = b + 1;
          }
        }
        int z = 0;
        if (hit >= 0) {
          double zCam = best; // the ray (xc, yc, 1): its parameter is the camera-frame depth
          double mm = zCam * 1000;
          z = mm > 0 && mm < 10_000 ? (int) Math.round(mm) : 0;
        }
        depth.getRaster().setSample(u, v, 0, z);
        int label = z > 0 && hit > 0 ? hit : 0;
        inst[v * WIDTH + u] = label;
        ids.getRaster().setSample(u, v, 0, label);
        int[] c = colours[hit < 0 ? 0 : hit];
        double shade = hit < 0 ? 0.9 : 0.6 + 0.4 / (1 + best / 4);
        int noise = rnd.nextInt(17) - 8;
        rgb.setRGB(
            u,
            v,
            (clamp(c[0] * shade + noise) << 16)
                | (clamp(c[1] * shade + noise) << 8)
                | clamp(c[2] * shade + noise));
      }
    }
    Path sceneDir = Files.createDirectories(dir.resolve(id));
    ImageIO.write(rgb, "jpg", sceneDir.resolve("image.jpg").toFile());
    ImageIO.write(depth, "png", sceneDir.resolve("depth_mm.png").toFile());
    ImageIO.write(ids, "png", sceneDir.resolve("instances.png").toFile());

    ObjectNode line = JSON.createObjectNode();
    line.put("scene_id", id);
    line.put("image", id + "/image.jpg");
    line.put("depth", id + "/depth_mm.png");
    line.put("depth_scale_m", 0.001);
    ObjectNode k = line.putObject("intrinsics");
    k.put("fx", FX).put("fy", FX).put("cx", WIDTH / 2.0).put("cy", HEIGHT / 2.0);
    line.put("instances", id + "/instances.png");
    ArrayNode objects = line.putArray("objects");
    for (int b = 1; b <= count; b++) {
      int x0 = WIDTH, y0 = HEIGHT, x1 = -1, y1 = -1;
      for (int i = 0; i < inst.length; i++) {
        if (inst[i] == b) {
          int u = i % WIDTH, v = i / WIDTH;
          x0 = Math.min(x0, u);
          y0 = Math.min(y0, v);
          x1 = Math.max(x1, u);
          y1 = Math.max(y1, v);
        }
      }
      if (x1 < 0) {
        continue; // hidden or outside the view
      }
      ObjectNode o = objects.addObject();
      o.put("id", b);
      o.put("caption", CAPTIONS[(b - 1) % CAPTIONS.length]);
      o.putArray("box2d_xyxy").add(x0).add(y0).add(x1 + 1.0).add(y1 + 1.0);
    }
    return JSON.writeValueAsString(line);
  }

  /**
   * Ray parameter of the first hit with a box (slab method), camera at the origin and the floor at
   * y = -cameraHeight; infinity when missed. With the ray's camera-frame z component 1, the
   * parameter is the camera-frame depth.
   */
  private static double intersect(Box b, double cameraHeight, double dx, double dy, double dz) {
    double[] lo = {b.x0(), -cameraHeight, b.z0()};
    double[] hi = {b.x1(), -cameraHeight + b.y1(), b.z1()};
    double[] d = {dx, dy, dz};
    double tmin = 0, tmax = Double.POSITIVE_INFINITY;
    for (int a = 0; a < 3; a++) {
      if (Math.abs(d[a]) < 1e-12) {
        if (0 < lo[a] || 0 > hi[a]) {
          return Double.POSITIVE_INFINITY;
        }
        continue;
      }
      double t0 = lo[a] / d[a], t1 = hi[a] / d[a];
      if (t0 > t1) {
        double t = t0;
        t0 = t1;
        t1 = t;
      }
      tmin = Math.max(tmin, t0);
      tmax = Math.min(tmax, t1);
      if (tmin > tmax) {
        return Double.POSITIVE_INFINITY;
      }
    }
    return tmin > 0 ? tmin : Double.POSITIVE_INFINITY;
  }

  private static int clamp(double v) {
    return (int) Math.max(0, Math.min(255, Math.round(v)));
  }
}
