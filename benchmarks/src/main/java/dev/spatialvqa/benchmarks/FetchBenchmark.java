package dev.spatialvqa.benchmarks;

import com.sun.net.httpserver.HttpServer;
import dev.spatialvqa.core.ingest.CrawlRecord;
import dev.spatialvqa.core.ingest.FetchConfig;
import dev.spatialvqa.core.ingest.ImageFetcher;
import dev.spatialvqa.schemas.FetchedImage;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.imageio.ImageIO;

/**
 * {@code bench fetch}: fetch + verify + full decode throughput of {@link ImageFetcher} (the
 * production path: SSRF guard, caps, magic bytes, pixel cap, ImageIO/TwelveMonkeys decode, EXIF,
 * sha256) against a loopback HTTP server on 127.0.0.2 serving generated photo-like JPEGs of 0.3-1
 * megapixels. Per core = images per second of process CPU time (server included, so the figure is
 * conservative), compared with img2dataset's ~100 images/s/core (which also resizes).
 *
 * <p>Arguments: {@code --seconds=N} (measured, default 20), {@code --warmup=N} (default 5), {@code
 * --threads=N} (default 2 x cores), {@code --images=N} (distinct JPEGs served, default 48).
 */
public final class FetchBenchmark implements Benchmark {
  static final double IMG2DATASET_PER_CORE = 100.0;
  private static final int[][] SIZES = {
    {640, 480}, {800, 600}, {1024, 768}, {1152, 864}, {720, 540}, {960, 720}
  };

  @Override
  public String name() {
    return "fetch";
  }

  @Override
  public String description() {
    return "fetch + decode throughput per core vs img2dataset (~100 images/s/core), loopback server";
  }

  @Override
  public Map<String, Object> run(List<String> args, PrintStream out) throws Exception {
    int cores = Runtime.getRuntime().availableProcessors();
    int seconds = intArg(args, "seconds", 20);
    int warmup = intArg(args, "warmup", 5);
    int threads = intArg(args, "threads", 2 * cores);
    int count = intArg(args, "images", 48);

    out.printf("generating %d photo-like JPEGs of 0.3-1 MP ...%n", count);
    List<byte[]> jpegs = new ArrayList<>();
    long pixels = 0;
    long bytes = 0;
    for (int i = 0; i < count; i++) {
      int[] wh = SIZES[i % SIZES.length];
      byte[] j = jpeg(wh[0], wh[1], i);
      jpegs.add(j);
      pixels += (long) wh[0] * wh[1];
      bytes += j.length;
    }
    double meanMp = pixels / (double) count / 1e6;
    double meanKb = bytes / (double) count / 1024;
    out.printf("mean %.2f MP, %.0f KiB per image%n", meanMp, meanKb);

    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.2", 0), 256);
    ExecutorService serverPool = Executors.newFixedThreadPool(Math.max(2, threads));
    server.setExecutor(serverPool);
    server.createContext(
        "/",
        ex -> {
          try (ex) {
            String p = ex.getRequestURI().getPath();
            int idx = Integer.parseInt(p.substring(p.lastIndexOf('/') + 1, p.lastIndexOf('.')));
            byte[] body = jpegs.get(idx % jpegs.size());
            ex.getResponseHeaders().add("Content-Type", "image/jpeg");
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
          }
        });
    server.start();
    String base = "http://127.0.0.2:" + server.getAddress().getPort() + "/img/";
    FetchConfig cfg =
        FetchConfig.defaults()
            .withAllowNetworks(List.of("127.0.0.2/32"))
            .withPerHostConcurrency(Math.max(1, threads));
    ImageFetcher fetcher = new ImageFetcher(cfg);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    AtomicLong done = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    AtomicLong next = new AtomicLong();
    long[] window = new long[2];
    try {
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(warmup + seconds);
      for (int t = 0; t < threads; t++) {
        pool.submit(
            () -> {
              while (System.nanoTime() < end) {
                long n = next.getAndIncrement();
                try {
                  FetchedImage img =
                      fetcher.fetchImage(
                          new CrawlRecord(base + (n % count) + ".jpg", null, null, null));
                  if (img.getWidth() > 0) {
                    done.incrementAndGet();
                  }
                } catch (Exception e) {
                  failed.incrementAndGet();
                }
              }
              return null;
            });
      }
      out.printf("warm-up %d s with %d threads on %d cores ...%n", warmup, threads, cores);
      Thread.sleep(TimeUnit.SECONDS.toMillis(warmup));
      long d0 = done.get();
      long cpu0 = cpuNanos();
      long t0 = System.nanoTime();
      Thread.sleep(TimeUnit.SECONDS.toMillis(seconds));
      long d1 = done.get();
      long cpu1 = cpuNanos();
      long t1 = System.nanoTime();
      window[0] = d1 - d0;
      double wall = (t1 - t0) / 1e9;
      double cpu = (cpu1 - cpu0) / 1e9;
      double perS = window[0] / wall;
      double perCore = cpu > 0 ? window[0] / cpu : perS / cores;
      out.printf(
          "%d images in %.1f s wall, %.1f s CPU: %.1f images/s, %.1f images per CPU-second%n",
          window[0], wall, cpu, perS, perCore);
      out.printf(
          "img2dataset reference: ~%.0f images/s/core -> ratio %.2f%n",
          IMG2DATASET_PER_CORE, perCore / IMG2DATASET_PER_CORE);
      if (failed.get() > 0) {
        out.printf("WARNING: %d fetches failed%n", failed.get());
      }
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("images_per_s_per_core", round(perCore));
      m.put("images_per_s", round(perS));
      m.put("cores", cores);
      m.put("threads", threads);
      m.put("cpu_seconds", round(cpu));
      m.put("wall_seconds", round(wall));
      m.put("images", window[0]);
      m.put("failed", failed.get());
      m.put("mean_megapixels", round(meanMp));
      m.put("mean_kib", round(meanKb));
      m.put("img2dataset_images_per_s_per_core", IMG2DATASET_PER_CORE);
      m.put("ratio_vs_img2dataset", round(perCore / IMG2DATASET_PER_CORE));
      return m;
    } finally {
      pool.shutdownNow();
      pool.awaitTermination(30, TimeUnit.SECONDS);
      server.stop(0);
      serverPool.shutdownNow();
    }
  }

  private static long cpuNanos() {
    var os = ManagementFactory.getOperatingSystemMXBean();
    if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
      return sun.getProcessCpuTime();
    }
    return -1;
  }

  private static double round(double v) {
    return Math.round(v * 100) / 100.0;
  }

  private static int intArg(List<String> args, String key, int def) {
    String prefix = "--" + key + "=";
    for (String a : args) {
      if (a.startsWith(prefix)) {
        int v = Integer.parseInt(a.substring(prefix.length()));
        if (v <= 0) {
          throw new IllegalArgumentException("--" + key + " must be > 0, got " + v);
        }
        return v;
      }
    }
    return def;
  }

  /** A photo-like JPEG: smooth shapes, texture and sensor noise (realistic web sizes). */
  static byte[] jpeg(int w, int h, long seed) throws java.io.IOException {
    BufferedImage im = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Random rnd = new Random(seed);
    double fx = 1 + rnd.nextInt(5);
    double fy = 1 + rnd.nextInt(5);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        double u = (double) x / w;
        double v = (double) y / h;
        double tex = 20 * Math.sin(x * 0.31 + y * 0.17) * Math.cos(y * 0.23);
        int r = clamp(120 + 90 * Math.sin(fx * u * Math.PI) + tex + rnd.nextGaussian() * 10);
        int g = clamp(120 + 90 * Math.cos(fy * v * Math.PI) - tex + rnd.nextGaussian() * 10);
        int b = clamp(200 * (u + v) / 2 + tex + rnd.nextGaussian() * 10);
        im.setRGB(x, y, (r << 16) | (g << 8) | b);
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(im, "jpeg", out);
    return out.toByteArray();
  }

  private static int clamp(double v) {
    return (int) Math.max(0, Math.min(255, Math.round(v)));
  }
}
