package dev.spatialvqa.core.lift;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A synthetic RGB-D scene for tests: a pinhole camera at a known height, pitch and roll above a
 * floor (world z = 0, z up), optional vertical walls, and yawed boxes standing on the floor,
 * ray-cast into a depth map with depth-dependent Gaussian noise (sigma = noise * z^2, like
 * structured light), optional disparity quantisation, random holes, and a few NaN / infinite /
 * negative readings.
 */
final class SyntheticScene {
  /** A box standing on the floor: centre (x, y) in the world, full sizes, yaw about z. */
  record Box(String id, double x, double y, double sx, double sy, double sz, double yawRad) {}

  /** A vertical wall: the plane through (x, y) with horizontal normal (nx, ny). */
  record Wall(double x, double y, double nx, double ny) {}

  int width = 320;
  int height = 240;
  double f = 200;
  double cameraHeight = 1.5;
  double pitchDownDeg = 0;
  double rollDeg = 0;
  double yawDeg = 0;
  double noise = 0.003;
  double holeFraction = 0.1;

  /**
   * Depth quantisation step in inverse metres (0 = none): structured-light sensors measure
   * disparity in 1/8 pixel steps, which for a Kinect (baseline x focal ~ 43.5 m px) makes depth
   * steps of z^2 * 0.00287 m.
   */
  double inverseDepthStep = 0;

  /** Share of the readings kept (the rest become holes): 1 = dense; 0.002-0.04 like LiDAR. */
  double keepFraction = 1;

  boolean floor = true;
  long seed = 7;
  final List<Wall> walls = new ArrayList<>();
  final List<Box> boxes = new ArrayList<>();

  /** Rendered output. */
  record Rendered(
      DepthImage depth,
      CameraIntrinsics intrinsics,
      List<ObjectInput> objects,
      double[] upCamera,
      int nanCount,
      int infCount,
      int negativeCount) {}

  static SyntheticScene room() {
    SyntheticScene s = new SyntheticScene();
    s.walls.add(new Wall(0, 6, 0, -1));
    s.walls.add(new Wall(-3, 0, 1, 0));
    s.boxes.add(new Box("table", -0.9, 3.2, 1.2, 0.7, 0.75, Math.toRadians(10)));
    s.boxes.add(new Box("cabinet", 1.2, 3.8, 0.6, 0.45, 1.3, Math.toRadians(-20)));
    s.boxes.add(new Box("crate", 0.3, 2.3, 0.45, 0.45, 0.45, Math.toRadians(35)));
    return s;
  }

  /** Camera-to-world rotation (row-major): level camera looks along +y, then pitch, then roll. */
  double[] cameraToWorld() {
    double p = Math.toRadians(-pitchDownDeg),
        r = Math.toRadians(rollDeg),
        y = Math.toRadians(yawDeg);
    double[] r0 = {1, 0, 0, 0, 0, 1, 0, -1, 0}; // cam x -> X, cam y -> -Z, cam z -> Y
    double[] rx = {1, 0, 0, 0, Math.cos(p), -Math.sin(p), 0, Math.sin(p), Math.cos(p)};
    double[] rz = {Math.cos(r), -Math.sin(r), 0, Math.sin(r), Math.cos(r), 0, 0, 0, 1};
    double[] ryaw = {Math.cos(y), -Math.sin(y), 0, Math.sin(y), Math.cos(y), 0, 0, 0, 1};
    return mul(ryaw, mul(r0, mul(rx, rz)));
  }

  private static double[] mul(double[] a, double[] b) {
    double[] c = new double[9];
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j < 3; j++) {
        for (int k = 0; k < 3; k++) {
          c[3 * i + j] += a[3 * i + k] * b[3 * k + j];
        }
      }
    }
    return c;
  }

  Rendered render() {
    double[] rw = cameraToWorld();
    double cx = (width - 1) / 2.0, cy = (height - 1) / 2.0;
    float[] depth = new float[width * height];
    int[] hit = new int[width * height];
    Random rnd = new Random(seed);
    int nan = 0, inf = 0, neg = 0;
    for (int v = 0; v < height; v++) {
      for (int u = 0; u < width; u++) {
        double dx = (u - cx) / f, dy = (v - cy) / f, dz = 1;
        double wx = rw[0] * dx + rw[1] * dy + rw[2] * dz;
        double wy = rw[3] * dx + rw[4] * dy + rw[5] * dz;
        double wz = rw[6] * dx + rw[7] * dy + rw[8] * dz;
        double best = Double.POSITIVE_INFINITY;
        int id = 0;
        if (floor && wz < -1e-9) {
          best = cameraHeight / -wz;
        }
        for (Wall w : walls) {
          double den = w.nx() * wx + w.ny() * wy;
          if (Math.abs(den) > 1e-9) {
            double t = (w.nx() * w.x() + w.ny() * w.y()) / den;
            if (t > 0 && t < best) {
              best = t;
            }
          }
        }
        for (int b = 0; b < boxes.size(); b++) {
          double t = hitBox(boxes.get(b), wx, wy, wz);
          if (t > 0 && t < best) {
            best = t;
            id = b + 1;
          }
        }
        int idx = v * width + u;
        if (Double.isInfinite(best) || best > 20) {
          depth[idx] = 0;
          continue;
        }
        double r = rnd.nextDouble();
        if (keepFraction < 1 && rnd.nextDouble() >= keepFraction) {
          depth[idx] = 0;
        } else if (r < holeFraction) {
          depth[idx] = 0;
        } else if (r < holeFraction + 0.001) {
          depth[idx] = Float.NaN;
          nan++;
        } else if (r < holeFraction + 0.002) {
          depth[idx] = Float.POSITIVE_INFINITY;
          inf++;
        } else if (r < holeFraction + 0.003) {
          depth[idx] = -1f;
          neg++;
        } else {
          double z = best + rnd.nextGaussian() * noise * best * best;
          if (inverseDepthStep > 0) {
            z = 1 / (Math.round(1 / z / inverseDepthStep) * inverseDepthStep);
          }
          depth[idx] = (float) z;
          hit[idx] = id;
        }
      }
    }
    List<ObjectInput> objects = new ArrayList<>();
    for (int b = 0; b < boxes.size(); b++) {
      byte[] mask = MaskBits.allocate(width, height);
      int u0 = width, v0 = height, u1 = -1, v1 = -1;
      for (int i = 0; i < hit.length; i++) {
        if (hit[i] == b + 1) {
          MaskBits.set(mask, i);
          u0 = Math.min(u0, i % width);
          u1 = Math.max(u1, i % width);
          v0 = Math.min(v0, i / width);
          v1 = Math.max(v1, i / width);
        }
      }
      if (u1 >= 0) {
        objects.add(
            new ObjectInput(
                boxes.get(b).id(), boxes.get(b).id(), new double[] {u0, v0, u1, v1}, mask));
      }
    }
    double[] up = {rw[6], rw[7], rw[8]}; // R^T (0,0,1): third row of camera-to-world
    return new Rendered(
        new DepthImage(width, height, depth),
        new CameraIntrinsics(f, f, cx, cy),
        objects,
        up,
        nan,
        inf,
        neg);
  }

  /** Ray (from the camera at (0, 0, cameraHeight)) against a yawed box: entry distance or -1. */
  private double hitBox(Box b, double wx, double wy, double wz) {
    double c = Math.cos(b.yawRad()), s = Math.sin(b.yawRad());
    double ox = -b.x(), oy = -b.y(), oz = cameraHeight - b.sz() / 2;
    double[] o = {c * ox + s * oy, -s * ox + c * oy, oz};
    double[] d = {c * wx + s * wy, -s * wx + c * wy, wz};
    double[] half = {b.sx() / 2, b.sy() / 2, b.sz() / 2};
    double tmin = Double.NEGATIVE_INFINITY, tmax = Double.POSITIVE_INFINITY;
    for (int a = 0; a < 3; a++) {
      if (Math.abs(d[a]) < 1e-12) {
        if (Math.abs(o[a]) > half[a]) {
          return -1;
        }
        continue;
      }
      double t1 = (-half[a] - o[a]) / d[a], t2 = (half[a] - o[a]) / d[a];
      tmin = Math.max(tmin, Math.min(t1, t2));
      tmax = Math.min(tmax, Math.max(t1, t2));
    }
    return tmax >= tmin && tmin > 0 ? tmin : -1;
  }
}
