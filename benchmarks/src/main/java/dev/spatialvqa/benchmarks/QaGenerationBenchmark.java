package dev.spatialvqa.benchmarks;

import dev.spatialvqa.core.generate.QaConfig;
import dev.spatialvqa.core.generate.QaGenerator;
import dev.spatialvqa.schemas.Intrinsics;
import dev.spatialvqa.schemas.IntrinsicsSource;
import dev.spatialvqa.schemas.QaRecord;
import dev.spatialvqa.schemas.SceneObject;
import dev.spatialvqa.schemas.SceneRecord;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * {@code bench qa}: QA generation throughput of {@link QaGenerator} on one core, over synthetic
 * canonicalized scenes of N objects (default 8) at the configured QA per scene (default 200, the
 * paper's average), after a warm-up. Options: {@code --seconds=S} (default 5), {@code --objects=N},
 * {@code --qa-per-scene=Q}.
 */
public final class QaGenerationBenchmark implements Benchmark {
  @Override
  public String name() {
    return "qa";
  }

  @Override
  public String description() {
    return "QA generation throughput (QA records/s and scenes/s on one core)";
  }

  static String opt(List<String> args, String key, String dflt) {
    for (String a : args) {
      if (a.startsWith("--" + key + "=")) {
        return a.substring(key.length() + 3);
      }
    }
    return dflt;
  }

  static List<SceneRecord> scenes(int count, int objects) {
    SplittableRandom r = new SplittableRandom(42);
    String[] names = {
      "bed", "chair", "lamp", "table", "sofa", "shelf", "desk", "plant", "mirror", "rug", "stool",
      "tv"
    };
    List<SceneRecord> out = new ArrayList<>();
    for (int s = 0; s < count; s++) {
      List<SceneObject> objs = new ArrayList<>();
      for (int i = 0; i < objects; i++) {
        double x = r.nextDouble(-3, 3);
        double y = r.nextDouble(1, 7);
        double ez = r.nextDouble(0.1, 2.0);
        double z = r.nextDouble(0, 1.0) + ez / 2;
        objs.add(
            SceneObject.newBuilder()
                .setObjectId(Integer.toString(i + 1))
                .setCaption(names[i % names.length] + (i >= names.length ? " " + i : ""))
                .setReferringExpression(
                    "the " + names[i % names.length] + (i >= names.length ? " " + i : ""))
                .setNumPoints(1000)
                .setCenterCamera(List.of(x, 1.5 - z, y))
                .setCenter(List.of(x, y, z))
                .setExtent(List.of(r.nextDouble(0.1, 2.0), r.nextDouble(0.1, 2.0), ez))
                .setHeadingRad(0.0)
                .build());
      }
      out.add(
          SceneRecord.newBuilder()
              .setSceneId("bench-" + s)
              .setImageUri("file:///bench/" + s + ".jpg")
              .setImageWidth(640)
              .setImageHeight(480)
              .setIntrinsics(new Intrinsics(500.0, 500.0, 320.0, 240.0))
              .setIntrinsicsSource(IntrinsicsSource.given)
              .setCanonicalized(true)
              .setCameraHeightM(1.5)
              .setObjects(objs)
              .build());
    }
    return out;
  }

  @Override
  public Map<String, Object> run(List<String> args, PrintStream out) {
    double seconds = Double.parseDouble(opt(args, "seconds", "5"));
    int objects = Integer.parseInt(opt(args, "objects", "8"));
    int perScene = Integer.parseInt(opt(args, "qa-per-scene", "200"));
    QaGenerator g = new QaGenerator(QaConfig.defaults().withQaPerScene(perScene));
    List<SceneRecord> scenes = scenes(64, objects);
    long warmEnd = System.nanoTime() + 1_000_000_000L;
    int i = 0;
    while (System.nanoTime() < warmEnd) {
      g.generate(scenes.get(i++ % scenes.size()));
    }
    long qa = 0;
    long n = 0;
    long start = System.nanoTime();
    long end = start + (long) (seconds * 1e9);
    while (System.nanoTime() < end) {
      List<QaRecord> r = g.generate(scenes.get((int) (n % scenes.size())));
      qa += r.size();
      n++;
    }
    double elapsed = (System.nanoTime() - start) / 1e9;
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("benchmark", name());
    m.put("objects_per_scene", objects);
    m.put("qa_per_scene_target", perScene);
    m.put("scenes", n);
    m.put("qa_records", qa);
    m.put("seconds", Math.round(elapsed * 100) / 100.0);
    m.put("scenes_per_s", Math.round(n / elapsed * 10) / 10.0);
    m.put("qa_per_s", Math.round(qa / elapsed));
    out.printf(
        "QA generation: %d scenes (%d objects, target %d QA each) -> %d QA in %.2f s: %.0f QA/s, %.1f scenes/s on one core%n",
        n, objects, perScene, qa, elapsed, qa / elapsed, n / elapsed);
    return m;
  }
}
