package dev.spatialvqa.benchmarks;

import dev.spatialvqa.core.dedupe.ImageDedupeConfig;
import dev.spatialvqa.core.dedupe.ImageVariants;
import dev.spatialvqa.core.dedupe.PerceptualHash;
import dev.spatialvqa.core.ids.ContentIds;
import dev.spatialvqa.core.image.RgbImage;
import dev.spatialvqa.core.runtime.DjlOffline;
import dev.spatialvqa.schemas.DuplicateRecord;
import dev.spatialvqa.schemas.Intrinsics;
import dev.spatialvqa.schemas.IntrinsicsSource;
import dev.spatialvqa.schemas.PerceivedScene;
import dev.spatialvqa.schemas.Provenance;
import dev.spatialvqa.transforms.dedupe.DedupeScenes;
import java.awt.image.BufferedImage;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.extensions.avro.coders.AvroCoder;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollectionTuple;

/**
 * {@code bench dedupe}: scene dedupe ({@code DedupeScenes}) on planted copies and over a long
 * stream.
 *
 * <ol>
 *   <li><b>Planted copies.</b> Distinct images: the real scenes under {@code --real} (default
 *       {@code data/sunrgbd-dev}), their four quadrants (distinct crops of one room), and {@code
 *       --bases} synthetic layouts (640x480, default 300). Each gets planted copies: JPEG quality
 *       0.7 and 0.5, resized to 0.5 and 1.5, resized to 0.6 then JPEG 0.7, 5% and 10% crops, a text
 *       watermark. Every image is JPEG-encoded, decoded and hashed as the loader does (cost per
 *       scene), then all originals and copies go through the stage's decision rule (disjoint
 *       hash-bit band keys, at most {@code maxHammingDistance} bits, per-key cap): recall per copy
 *       kind (dropped as a duplicate of its own original), false drops (an original dropped, or a
 *       copy matched to another original; target 0), Hamming distances per kind and the closest
 *       distinct pair.
 *   <li><b>The transform.</b> The first originals and all their copies ({@code --beam} scenes,
 *       default 300) through the real {@code DedupeScenes} on the DirectRunner and on Flink's
 *       embedded mini-cluster: the same verdicts and the CPU cost per scene.
 *   <li><b>State over a long stream.</b> {@code --stream} scenes (default 300,000; 0 skips it;
 *       random 64-bit hashes, 10% of them re-crawls of a scene up to 2 TTLs back, 0-4 bits off) at
 *       {@code --perSecond} of event time with a {@code --ttlHours} TTL, replaying the stateful
 *       steps' rules (keys, cap, trimming to the look-back, key expiry when the watermark passes
 *       newest + TTL + lateness): live entries and bytes at intervals (they plateau at rate x TTL),
 *       evictions, recall on re-crawls within the TTL and false drops.
 * </ol>
 */
public final class DedupeBenchmark implements Benchmark {
  @Override
  public String name() {
    return "dedupe";
  }

  @Override
  public String description() {
    return "scene dedupe: recall on planted copies, false drops, cost per scene, state over a stream";
  }

  private static String arg(List<String> args, String key, String def) {
    for (String a : args) {
      if (a.startsWith("--" + key + "=")) {
        return a.substring(key.length() + 3);
      }
    }
    return def;
  }

  private static long cpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  private static long threadCpuNanos() {
    return ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
  }

  static final String[] KINDS = {
    "jpeg70", "jpeg50", "resize50", "resize150", "resize60_jpeg70", "crop5", "crop10", "watermark"
  };

  static BufferedImage variant(BufferedImage img, String kind) {
    return switch (kind) {
      case "resize50" -> ImageVariants.resize(img, 0.5);
      case "resize150" -> ImageVariants.resize(img, 1.5);
      case "resize60_jpeg70" -> ImageVariants.resize(img, 0.6);
      case "crop5" -> ImageVariants.crop(img, 0.05, 0.5);
      case "crop10" -> ImageVariants.crop(img, 0.10, 0.3);
      case "watermark" -> ImageVariants.watermark(img, "(c) example.com 2026");
      default -> img;
    };
  }

  static float quality(String kind) {
    return switch (kind) {
      case "jpeg70", "resize60_jpeg70" -> 0.7f;
      case "jpeg50" -> 0.5f;
      default -> 0.92f;
    };
  }

  /** One planted scene: its id, original id (itself for originals), kind, bytes' hashes. */
  record Planted(String id, String original, String kind, String sha, long phash) {}

  @Override
  public Map<String, Object> run(List<String> args, PrintStream out) throws Exception {
    DjlOffline.enforce();
    ImageDedupeConfig cfg = ImageDedupeConfig.defaults();
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("config", cfg.toString());
    int bases = Integer.parseInt(arg(args, "bases", "300"));
    List<Planted> planted = planted(Path.of(arg(args, "real", "data/sunrgbd-dev")), bases, out, r);
    replayPlanted(cfg, planted, out, r);
    int beam = Integer.parseInt(arg(args, "beam", "300"));
    // the first originals and all of their copies
    int k = Math.max(1, beam / (1 + KINDS.length));
    java.util.Set<String> chosen = new java.util.HashSet<>();
    for (Planted p : planted) {
      if (p.kind().equals("original") && chosen.size() < k) {
        chosen.add(p.id());
      }
    }
    List<Planted> sub = planted.stream().filter(p -> chosen.contains(p.original())).toList();
    transform(cfg, sub, "DirectRunner", out, r);
    transform(cfg, sub, "FlinkRunner", out, r);
    int streamN = Integer.parseInt(arg(args, "stream", "300000"));
    if (streamN <= 0) {
      return r;
    }
    stream(
        cfg.withTtl(java.time.Duration.ofHours(Long.parseLong(arg(args, "ttlHours", "24")))),
        streamN,
        Double.parseDouble(arg(args, "perSecond", "1")),
        out,
        r);
    return r;
  }

  private static List<BufferedImage> realImages(Path dir, Map<String, String> names)
      throws Exception {
    List<BufferedImage> out = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return out;
    }
    List<Path> files;
    try (Stream<Path> s = Files.walk(dir)) {
      files =
          s.filter(p -> p.getFileName().toString().matches("image\\.(jpg|jpeg|png)"))
              .sorted()
              .toList();
    }
    for (Path f : files) {
      BufferedImage img = ImageIO.read(f.toFile());
      if (img != null) {
        names.put("real" + out.size(), f.toString());
        out.add(img);
      }
    }
    return out;
  }

  private static List<Planted> planted(
      Path realDir, int synthetic, PrintStream out, Map<String, Object> r) throws Exception {
    Map<String, String> names = new LinkedHashMap<>();
    List<BufferedImage> real = realImages(realDir, names);
    List<BufferedImage> originals = new ArrayList<>(real);
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < real.size(); i++) {
      ids.add("real" + i);
    }
    for (int i = 0; i < real.size(); i++) {
      BufferedImage img = real.get(i);
      int w = img.getWidth() / 2;
      int h = img.getHeight() / 2;
      for (int q = 0; q < 4; q++) {
        originals.add(img.getSubimage((q % 2) * w, (q / 2) * h, w, h));
        ids.add("real" + i + "_quadrant" + q);
      }
    }
    for (int i = 0; i < synthetic; i++) {
      originals.add(ImageVariants.synthetic(7_000 + i, 640, 480));
      ids.add(String.format("synthetic%04d", i));
    }
    out.printf(
        "planted: %d distinct images (%d real from %s, %d quadrants, %d synthetic), %d copies each%n",
        originals.size(), real.size(), realDir, 4 * real.size(), synthetic, KINDS.length);
    r.put("distinct_images", originals.size());
    r.put("real_images", names.values());
    List<Planted> all = new ArrayList<>();
    long hashNanos = 0;
    long hashed = 0;
    for (int i = 0; i < originals.size(); i++) {
      BufferedImage img = originals.get(i);
      byte[] bytes = ImageVariants.jpeg(img, 0.92f);
      long t0 = threadCpuNanos();
      long h = PerceptualHash.of(RgbImage.decode(bytes, 1));
      String sha = ContentIds.sha256Hex(bytes);
      hashNanos += threadCpuNanos() - t0;
      hashed++;
      all.add(new Planted(ids.get(i), ids.get(i), "original", sha, h));
    }
    for (int i = 0; i < originals.size(); i++) {
      for (String kind : KINDS) {
        byte[] bytes = ImageVariants.jpeg(variant(originals.get(i), kind), quality(kind));
        long t0 = threadCpuNanos();
        long h = PerceptualHash.of(RgbImage.decode(bytes, 1));
        String sha = ContentIds.sha256Hex(bytes);
        hashNanos += threadCpuNanos() - t0;
        hashed++;
        all.add(new Planted(ids.get(i) + "~" + kind, ids.get(i), kind, sha, h));
      }
    }
    double ms = hashNanos / 1e6 / hashed;
    out.printf(
        "signature cost: decode + pHash + sha256 of a JPEG, %.2f ms CPU per image (%d images, mostly 640x480 and 730x530)%n",
        ms, hashed);
    r.put("signature_ms_per_scene", Math.round(ms * 100) / 100.0);
    return all;
  }

  /** The stage's decision rule, replayed in the canonical order (originals first). */
  private static void replayPlanted(
      ImageDedupeConfig cfg, List<Planted> all, PrintStream out, Map<String, Object> r) {
    int bands = cfg.phashDedupe().bands();
    int bits = cfg.phashDedupe().bitsPerBand();
    Map<String, List<Planted>> state = new HashMap<>();
    Map<String, Planted> bySha = new HashMap<>();
    Map<String, int[]> perKind = new TreeMap<>(); // caught, total
    Map<String, List<Integer>> distances = new TreeMap<>();
    Map<String, Long> hashOf = new HashMap<>();
    for (Planted p : all) {
      if (p.kind().equals("original")) {
        hashOf.put(p.id(), p.phash());
      }
    }
    int falseDrops = 0;
    int wrongMatches = 0;
    List<String> falseExamples = new ArrayList<>();
    long t0 = threadCpuNanos();
    for (Planted p : all) {
      Planted match = bySha.get(p.sha());
      if (match == null) {
        int best = Integer.MAX_VALUE;
        for (String key : keys(p.phash(), bands, bits)) {
          for (Planted k : state.getOrDefault(key, List.of())) {
            int d = PerceptualHash.distance(k.phash(), p.phash());
            if (d <= cfg.maxHammingDistance() && d < best) {
              best = d;
              match = k;
            }
          }
        }
      }
      boolean original = p.kind().equals("original");
      if (!original) {
        int[] c = perKind.computeIfAbsent(p.kind(), k -> new int[2]);
        c[1]++;
        distances
            .computeIfAbsent(p.kind(), k -> new ArrayList<>())
            .add(PerceptualHash.distance(p.phash(), hashOf.get(p.original())));
        if (match != null && match.original().equals(p.original())) {
          c[0]++;
        } else if (match != null) {
          wrongMatches++;
          falseExamples.add(p.id() + "->" + match.id());
        }
      } else if (match != null) {
        falseDrops++;
        falseExamples.add(p.id() + "->" + match.id());
      }
      if (match == null) {
        bySha.put(p.sha(), p);
        for (String key : keys(p.phash(), bands, bits)) {
          List<Planted> s = state.computeIfAbsent(key, k -> new ArrayList<>());
          s.add(p);
          if (s.size() > cfg.maxKeptPerKey()) {
            s.remove(0);
          }
        }
      }
    }
    double us = (threadCpuNanos() - t0) / 1e3 / all.size();
    Map<String, Object> recall = new LinkedHashMap<>();
    Map<String, Object> dist = new LinkedHashMap<>();
    for (Map.Entry<String, int[]> e : perKind.entrySet()) {
      double rec = e.getValue()[0] / (double) e.getValue()[1];
      recall.put(e.getKey(), Math.round(rec * 1000) / 1000.0);
      List<Integer> d = distances.get(e.getKey());
      Collections.sort(d);
      dist.put(
          e.getKey(),
          Map.of(
              "median", d.get(d.size() / 2),
              "p95", d.get((int) (d.size() * 0.95)),
              "max", d.get(d.size() - 1)));
      out.printf(
          "  %-16s recall %.3f (%d/%d); Hamming distance median %d, p95 %d, max %d%n",
          e.getKey(),
          rec,
          e.getValue()[0],
          e.getValue()[1],
          d.get(d.size() / 2),
          d.get((int) (d.size() * 0.95)),
          d.get(d.size() - 1));
    }
    int closest = 64;
    String closestPair = "";
    List<Planted> originals = all.stream().filter(p -> p.kind().equals("original")).toList();
    for (int i = 0; i < originals.size(); i++) {
      for (int j = i + 1; j < originals.size(); j++) {
        int d = PerceptualHash.distance(originals.get(i).phash(), originals.get(j).phash());
        if (d < closest) {
          closest = d;
          closestPair = originals.get(i).id() + " / " + originals.get(j).id();
        }
      }
    }
    out.printf(
        "false drops of distinct scenes: %d of %d; copies matched to another original: %d %s%n",
        falseDrops, originals.size(), wrongMatches, falseExamples.stream().limit(5).toList());
    out.printf(
        "closest distinct pair: %d bits (%s); threshold %d bits; decision %.1f us CPU per scene%n",
        closest, closestPair, cfg.maxHammingDistance(), us);
    r.put("recall", recall);
    r.put("hamming_distances", dist);
    r.put("false_drops", falseDrops);
    r.put("wrong_matches", wrongMatches);
    r.put("closest_distinct_bits", closest);
    r.put("decision_us_per_scene", Math.round(us * 10) / 10.0);
  }

  static String[] keys(long h, int bands, int bits) {
    String[] k = new String[bands];
    for (int b = 0; b < bands; b++) {
      k[b] = b + ":" + ((h >>> (b * bits)) & ((1L << bits) - 1));
    }
    return k;
  }

  static final Map<String, Map<String, String>> VERDICTS = new ConcurrentHashMap<>();

  static final class CollectFn extends DoFn<DuplicateRecord, Void> {
    private final String run;

    CollectFn(String run) {
      this.run = run;
    }

    @ProcessElement
    public void process(@Element DuplicateRecord d) {
      VERDICTS
          .computeIfAbsent(run, k -> new ConcurrentHashMap<>())
          .put(d.getDroppedId(), d.getKeptId());
    }
  }

  private static PerceivedScene scene(Planted p) {
    return PerceivedScene.newBuilder()
        .setSceneId(p.id())
        .setImageUri("bench://" + p.id())
        .setContentHash(p.sha())
        .setWidth(1)
        .setHeight(1)
        .setIntrinsics(new Intrinsics(1.0, 1.0, 0.5, 0.5))
        .setIntrinsicsSource(IntrinsicsSource.given)
        .setDepthM(ByteBuffer.allocate(4))
        .setObjects(List.of())
        .setPhash(p.phash())
        .setProvenance(Provenance.newBuilder().setEngineVersion("bench").build())
        .build();
  }

  /** The real transform, bounded input (one event time: the canonical order is by id). */
  private static void transform(
      ImageDedupeConfig cfg,
      List<Planted> planted,
      String runner,
      PrintStream out,
      Map<String, Object> r) {
    String[] opts =
        runner.equals("FlinkRunner")
            ? new String[] {"--runner=FlinkRunner", "--flinkMaster=[local]", "--parallelism=1"}
            : new String[] {"--runner=" + runner};
    Pipeline p = Pipeline.create(PipelineOptionsFactory.fromArgs(opts).create());
    List<PerceivedScene> scenes = planted.stream().map(DedupeBenchmark::scene).toList();
    PCollectionTuple t =
        p.apply("Scenes", Create.of(scenes).withCoder(AvroCoder.specific(PerceivedScene.class)))
            .apply("DedupeScenes", DedupeScenes.of(cfg));
    t.get(DedupeScenes.DUPLICATES).apply("Collect", ParDo.of(new CollectFn(runner)));
    long cpu0 = cpuNanos();
    long t0 = System.nanoTime();
    PipelineResult res = p.run();
    res.waitUntilFinish();
    double wall = (System.nanoTime() - t0) / 1e9;
    double cpu = (cpuNanos() - cpu0) / 1e9;
    Map<String, String> v = VERDICTS.getOrDefault(runner, Map.of());
    Map<String, String> originalOf = new HashMap<>();
    planted.forEach(x -> originalOf.put(x.id(), x.original()));
    int wrong = 0;
    int copies = 0;
    int caught = 0;
    for (Planted x : planted) {
      String kept = v.get(x.id());
      boolean copy = !x.kind().equals("original");
      copies += copy ? 1 : 0;
      if (kept != null && copy && originalOf.get(kept).equals(x.original())) {
        caught++;
      } else if (kept != null) {
        wrong++;
      }
    }
    out.printf(
        "DedupeScenes on the %s: %d scenes (%d copies) in %.2f s wall, %.2f CPU-s = %.1f ms CPU per scene; caught %d, false %d%n",
        runner, planted.size(), copies, wall, cpu, 1000 * cpu / planted.size(), caught, wrong);
    String k = runner.equals("FlinkRunner") ? "flink_local" : "direct";
    r.put("transform_" + k + "_ms_cpu_per_scene", Math.round(10000 * cpu / planted.size()) / 10.0);
    r.put("transform_" + k + "_caught", caught + "/" + copies);
    r.put("transform_" + k + "_false", wrong);
  }

  /** One band key's state: hashes and timestamps in insertion (= timestamp) order. */
  static final class KeyState {
    long[] hash = new long[64];
    long[] ts = new long[64];
    int size;
    long newest;

    void trimOlderThan(long min) {
      int k = 0;
      while (k < size && ts[k] < min) {
        k++;
      }
      if (k > 0) {
        System.arraycopy(hash, k, hash, 0, size - k);
        System.arraycopy(ts, k, ts, 0, size - k);
        size -= k;
      }
    }

    void add(long h, long t) {
      if (size == hash.length) {
        hash = java.util.Arrays.copyOf(hash, size * 2);
        ts = java.util.Arrays.copyOf(ts, size * 2);
      }
      hash[size] = h;
      ts[size] = t;
      size++;
      newest = t;
    }
  }

  /** The stateful steps' rules over a long stream of random hashes with re-crawls. */
  private static void stream(
      ImageDedupeConfig cfg, int n, double perSecond, PrintStream out, Map<String, Object> r) {
    int bands = cfg.phashDedupe().bands();
    int bits = cfg.phashDedupe().bitsPerBand();
    long ttl = cfg.ttl().toMillis();
    long lateness = cfg.allowedLateness().toMillis();
    long step = Math.round(1000 / perSecond);
    SplittableRandom rnd = new SplittableRandom(11);
    long[] hashes = new long[n];
    int[] origin = new int[n]; // index of the original a re-crawl copies, or -1
    Map<String, KeyState> state = new HashMap<>();
    long evicted = 0;
    long recrawlsInTtl = 0;
    long recrawlsCaught = 0;
    long falseDrops = 0;
    long distinct = 0;
    long maxLive = 0;
    List<Long> samples = new ArrayList<>();
    int interval = Math.max(1, n / 10);
    long c0 = threadCpuNanos();
    for (int i = 0; i < n; i++) {
      long ts = i * step;
      long h;
      origin[i] = -1;
      if (i > 100 && rnd.nextDouble() < 0.1) {
        int o = i - 1 - rnd.nextInt((int) Math.min(i - 1, 2 * ttl / step));
        while (origin[o] >= 0) {
          o = origin[o];
        }
        origin[i] = o;
        h = hashes[o];
        int flips = rnd.nextInt(5);
        for (int f = 0; f < flips; f++) {
          h ^= 1L << rnd.nextInt(64);
        }
      } else {
        h = rnd.nextLong();
      }
      hashes[i] = h;
      String[] keys = keys(h, bands, bits);
      boolean dup = false;
      for (String k : keys) {
        KeyState s = state.get(k);
        if (s == null) {
          continue;
        }
        if (s.newest + ttl + lateness <= ts) { // the key's expiry timer fired
          state.remove(k);
          continue;
        }
        for (int j = s.size - 1; j >= 0 && !dup && s.ts[j] >= ts - ttl; j--) {
          dup = PerceptualHash.distance(s.hash[j], h) <= cfg.maxHammingDistance();
        }
      }
      if (origin[i] >= 0 && (long) (i - origin[i]) * step <= ttl) {
        recrawlsInTtl++;
        recrawlsCaught += dup ? 1 : 0;
      } else if (origin[i] < 0) {
        distinct++;
        falseDrops += dup ? 1 : 0;
      }
      if (!dup) {
        for (String k : keys) {
          KeyState s = state.computeIfAbsent(k, x -> new KeyState());
          s.trimOlderThan(ts - ttl - lateness);
          if (s.size == cfg.maxKeptPerKey()) {
            s.trimOlderThan(s.ts[0] + 1);
            evicted++;
          }
          s.add(h, ts);
        }
      }
      if ((i + 1) % interval == 0) {
        long live = 0;
        for (java.util.Iterator<Map.Entry<String, KeyState>> it = state.entrySet().iterator();
            it.hasNext(); ) {
          KeyState s = it.next().getValue();
          if (s.newest + ttl + lateness <= ts) {
            it.remove();
          } else {
            live += s.size;
          }
        }
        maxLive = Math.max(maxLive, live);
        samples.add(live);
        out.printf(
            "stream %,d scenes (event time %.1f days): %,d keys, %,d live entries = %.1f MB (%,d evicted)%n",
            i + 1,
            ts / 86_400_000.0,
            state.size(),
            live,
            live / (double) bands * cfg.bytesPerKeptScenePhash() / 1e6,
            evicted);
      }
    }
    double us = (threadCpuNanos() - c0) / 1e3 / n;
    out.printf(
        "stream: TTL %s at %.1f scenes/s of event time; re-crawls within the TTL caught %d/%d (%.4f); false drops %d of %,d distinct; %.1f us CPU per scene (replay)%n",
        cfg.ttl(),
        perSecond,
        recrawlsCaught,
        recrawlsInTtl,
        recrawlsCaught / (double) Math.max(1, recrawlsInTtl),
        falseDrops,
        distinct,
        us);
    r.put("stream_scenes", n);
    r.put("stream_ttl_hours", cfg.ttl().toHours());
    r.put("stream_live_entries_at_intervals", samples);
    r.put(
        "stream_state_max_mb",
        Math.round(maxLive / (double) bands * cfg.bytesPerKeptScenePhash() / 1e5) / 10.0);
    r.put("stream_evicted", evicted);
    r.put(
        "stream_recrawl_recall",
        Math.round(10000.0 * recrawlsCaught / Math.max(1, recrawlsInTtl)) / 10000.0);
    r.put("stream_false_drops", falseDrops);
  }
}
