package dev.spatialvqa.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spatialvqa.core.image.ImageDecoder;
import dev.spatialvqa.core.lift.CameraIntrinsics;
import dev.spatialvqa.core.lift.DepthImage;
import dev.spatialvqa.core.lift.LiftConfig;
import dev.spatialvqa.core.lift.LiftResult;
import dev.spatialvqa.core.lift.LiftedObject;
import dev.spatialvqa.core.lift.MaskBits;
import dev.spatialvqa.core.lift.ObjectInput;
import dev.spatialvqa.core.lift.PlaneFinder;
import dev.spatialvqa.core.lift.SceneLifter;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code bench geometry}: one RGB-D scene (default: the bundled 730x530 SUN RGB-D scene {@code
 * data/sunrgbd-dev/sunrgbd-000001} under {@code spatialvqa.home}; {@code --scene=DIR} for another
 * folder with {@code depth_mm.png}, {@code instances.png} and {@code ground_truth.json}), lifted
 * from decoded depth to 3D boxes on one thread: back-projection, plane search and gravity,
 * per-object clouds, denoising and boxes. PNG decoding and mask building are outside the timed
 * loop. Compares with the floor: one plain pass over the same depth array. {@code --seconds=N}
 * (default 5) per measurement after a 2 s warm-up.
 */
public final class GeometryBenchmark implements Benchmark {
  @Override
  public String name() {
    return "geometry";
  }

  @Override
  public String description() {
    return "SceneLifter on one 730x530 RGB-D scene, single thread: scenes/s and ratio to a plain pass over the depth";
  }

  @Override
  public Map<String, Object> run(List<String> args, PrintStream out) throws Exception {
    Path dir =
        Path.of(
            value(
                args,
                "scene",
                Path.of(
                        System.getProperty("spatialvqa.home", "."),
                        "data",
                        "sunrgbd-dev",
                        "sunrgbd-000001")
                    .toString()));
    double seconds = Double.parseDouble(value(args, "seconds", "5"));
    Scene scene = load(dir);
    SceneLifter lifter = new SceneLifter(LiftConfig.defaults());
    out.printf(
        "scene %s: %dx%d, %d objects%n",
        dir, scene.depth.width(), scene.depth.height(), scene.objects.size());

    LiftResult r = lifter.lift(scene.depth, scene.k, scene.objects, null);
    out.printf(
        "canonicalized=%s up=[%.4f, %.4f, %.4f] camera_height=%.3f m, %d objects, %d filtered%n",
        r.canonicalized(),
        r.gravityUpCamera()[0],
        r.gravityUpCamera()[1],
        r.gravityUpCamera()[2],
        r.cameraHeightM(),
        r.objects().size(),
        r.filteredObjects().size());
    for (LiftedObject o : r.objects()) {
      out.printf(
          "  %-16s n=%4d extent=[%.2f %.2f %.2f] heading=%.1f deg%n",
          o.caption(),
          o.numPoints(),
          o.extent()[0],
          o.extent()[1],
          o.extent()[2],
          Math.toDegrees(o.headingRad()));
    }

    // warm-up (JIT), then measure
    long sink = 0;
    sink +=
        runFor(2, () -> lifter.lift(scene.depth, scene.k, scene.objects, null).objects().size())[1];
    long[] lift =
        runFor(
            seconds, () -> lifter.lift(scene.depth, scene.k, scene.objects, null).objects().size());
    PlaneFinder planes = new PlaneFinder(LiftConfig.defaults());
    long[] gravity =
        runFor(
            Math.max(1, seconds / 3),
            () -> planes.find(scene.depth, scene.k, null).planes().size());
    runFor(1, () -> floorPass(scene.depth.metres()));
    long[] floor = runFor(seconds, () -> floorPass(scene.depth.metres()));
    sink += lift[1] + floor[1];

    double liftMs = lift[0] / 1e6 / lift[2];
    double floorMs = floor[0] / 1e6 / floor[2];
    double liftWallMs = lift[3] / 1e6 / lift[2];
    double scenesPerS = 1000 / liftMs;
    out.printf(
        "lift: %.2f ms/scene thread CPU time (%.2f ms wall), %d runs: %.1f scenes/s on one core%n",
        liftMs, liftWallMs, lift[2], scenesPerS);
    out.printf(
        "  of which planes and gravity (PlaneFinder): %.2f ms CPU%n",
        gravity[0] / 1e6 / gravity[2]);
    out.printf(
        "floor (one pass summing the depth array): %.3f ms CPU (%.3f ms wall)%n",
        floorMs, floor[3] / 1e6 / floor[2]);
    out.printf("ratio_to_floor: %.1f (checksum %d)%n", liftMs / floorMs, sink & 0xff);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("scenes_per_s", round(scenesPerS));
    m.put("ms_per_scene", round(liftMs));
    m.put("ms_per_scene_wall", round(liftWallMs));
    m.put("floor_ms", Math.round(floorMs * 1000) / 1000.0);
    m.put("ratio_to_floor", round(liftMs / floorMs));
    m.put("objects", r.objects().size());
    m.put("width", scene.depth.width());
    m.put("height", scene.depth.height());
    return m;
  }

  private static double round(double v) {
    return Math.round(v * 100) / 100.0;
  }

  /** The memory-bound floor: read every depth value once. */
  private static int floorPass(float[] d) {
    float s = 0;
    for (float v : d) {
      s += v;
    }
    return Float.floatToIntBits(s);
  }

  private interface Work {
    int run();
  }

  /**
   * {thread CPU ns, checksum, runs, wall ns}. CPU time of this thread is what "one core" costs;
   * wall time is also kept (it includes time the thread waited for a core on a busy machine).
   */
  private static long[] runFor(double seconds, Work w) {
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    long budget = (long) (seconds * 1e9);
    long start = System.nanoTime();
    long cpu0 = mx.getCurrentThreadCpuTime();
    long runs = 0, sum = 0, now;
    do {
      sum += w.run();
      runs++;
      now = System.nanoTime();
    } while (now - start < budget);
    long cpu = mx.getCurrentThreadCpuTime() - cpu0;
    return new long[] {cpu, sum, runs, now - start};
  }

  private record Scene(DepthImage depth, CameraIntrinsics k, List<ObjectInput> objects) {}

  private static Scene load(Path dir) throws IOException {
    BufferedImage d = read(dir.resolve("depth_mm.png"));
    int w = d.getWidth(), h = d.getHeight();
    Raster r = d.getRaster();
    float[] metres = new float[w * h];
    for (int v = 0; v < h; v++) {
      for (int u = 0; u < w; u++) {
        metres[v * w + u] = r.getSample(u, v, 0) * 0.001f;
      }
    }
    JsonNode gt = new ObjectMapper().readTree(Files.readAllBytes(dir.resolve("ground_truth.json")));
    JsonNode kk = gt.get("K_0based");
    CameraIntrinsics k =
        new CameraIntrinsics(
            kk.get(0).get(0).asDouble(),
            kk.get(1).get(1).asDouble(),
            kk.get(0).get(2).asDouble(),
            kk.get(1).get(2).asDouble());
    Raster inst = read(dir.resolve("instances.png")).getRaster();
    List<ObjectInput> objects = new ArrayList<>();
    for (JsonNode o : gt.get("objects")) {
      int id = o.get("id").asInt();
      byte[] mask = MaskBits.allocate(w, h);
      for (int v = 0; v < h; v++) {
        for (int u = 0; u < w; u++) {
          if (inst.getSample(u, v, 0) == id) {
            MaskBits.set(mask, v * w + u);
          }
        }
      }
      JsonNode b = o.get("box2d_xyxy");
      objects.add(
          new ObjectInput(
              String.valueOf(id),
              o.get("class").asText(),
              new double[] {
                b.get(0).asDouble(), b.get(1).asDouble(), b.get(2).asDouble(), b.get(3).asDouble()
              },
              mask));
    }
    return new Scene(new DepthImage(w, h, metres), k, objects);
  }

  private static BufferedImage read(Path p) throws IOException {
    BufferedImage img = ImageDecoder.decode(java.nio.file.Files.readAllBytes(p));
    if (img == null) {
      throw new IOException("not a readable image: " + p);
    }
    return img;
  }

  static String value(List<String> args, String key, String dflt) {
    String prefix = "--" + key + "=";
    for (String a : args) {
      if (a.startsWith(prefix)) {
        return a.substring(prefix.length());
      }
    }
    return dflt;
  }
}
