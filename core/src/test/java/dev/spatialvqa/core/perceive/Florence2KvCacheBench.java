package dev.spatialvqa.core.perceive;

import dev.spatialvqa.core.image.RgbImage;
import dev.spatialvqa.core.models.ModelConfig.RegionsKind;
import dev.spatialvqa.core.models.ModelConfig.RegionsSettings;
import dev.spatialvqa.core.models.ModelPool;
import dev.spatialvqa.core.models.ModelResolver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Not a unit test: a manual measurement of Florence-2 greedy decoding with and without the KV cache
 * on the tiny stand-in decoder pair of {@link Florence2TestModels}, for captions of T tokens. The
 * stand-ins have no transformer layers, so this measures what the cache changes around the model:
 * calls over the whole prefix (logits [N,T,V] out, embeddings [N,T,H] in) against one-token calls
 * with the cache fed back from ONNX Runtime tensors. Prints one JSON line per (T, batch): the best
 * {@code generate} time of 11 runs after 3 warm-ups, less the best of the same with {@code
 * max_new_tokens} 2 (preprocessing, vision, prompt, encoder: the part the cache does not touch),
 * i.e. the decoding of T - 2 more tokens.
 *
 * <p>{@code mvn -B -o -q -pl transforms -am test-compile} then {@code mvn -B -o -q -pl transforms
 * exec:java -Dexec.mainClass=dev.spatialvqa.core.perceive.Florence2KvCacheBench
 * -Dexec.classpathScope=test} (with {@code OPT_OUT_TRACKING=true DJL_OFFLINE=true}).
 */
public final class Florence2KvCacheBench {
  private Florence2KvCacheBench() {}

  public static void main(String[] args) throws Exception {
    Path dir = Files.createTempDirectory("f2-kv-bench");
    ModelPool pool = ModelPool.shared(ModelPool.Settings.cpu().withThreads(1, 1));
    ModelResolver resolver = new ModelResolver(dir.resolve("cache"), List.of());
    Path tok = Florence2TestModels.tokenizer(dir);
    RgbImage red = PreprocessTest.solid(64, 48, 0xFF0000);
    try {
      for (int t : new int[] {64, 256, 512}) {
        Florence2TestModels.Script script = longScript(t);
        Path sub = dir.resolve("t" + t);
        Path presents = Florence2TestModels.decoderWithPresents(sub, script);
        Path withPast = Florence2TestModels.decoderWithPast(sub, false, false, script);
        RegionsSettings s =
            new RegionsSettings(
                RegionsKind.FLORENCE2, RegionsSettings.DENSE_REGION_CAPTION, t, 0, 1000, 1.0);
        for (int batch : new int[] {1, 8}) {
          List<RgbImage> images = Collections.nCopies(batch, red);
          double fixed;
          double full;
          double cached;
          List<String> a;
          List<String> b;
          try (Florence2Captioner f =
              Florence2TestModels.captioner(
                  pool,
                  resolver,
                  sub,
                  tok,
                  presents,
                  null,
                  new RegionsSettings(s.kind(), s.task(), 2, 0, 1000, 1.0))) {
            fixed = bestMs(f, images);
          }
          try (Florence2Captioner f =
              Florence2TestModels.captioner(pool, resolver, sub, tok, presents, null, s)) {
            a = f.generate(images);
            full = bestMs(f, images) - fixed;
          }
          try (Florence2Captioner f =
              Florence2TestModels.captioner(pool, resolver, sub, tok, presents, withPast, s)) {
            b = f.generate(images);
            cached = bestMs(f, images) - fixed;
          }
          if (!a.equals(b)) {
            throw new IllegalStateException("cached and uncached decodes differ at T=" + t);
          }
          System.out.printf(
              "{\"tokens\":%d,\"batch\":%d,\"fixed_ms\":%.1f,\"uncached_decode_ms\":%.1f,"
                  + "\"cached_decode_ms\":%.1f,\"speedup\":%.2f}%n",
              t, batch, fixed, full, cached, full / cached);
        }
      }
    } finally {
      ModelPool.closeAll();
    }
  }

  /** "red chair" + 4 locs, repeated up to {@code t} new tokens, then {@code </s>}. */
  private static Florence2TestModels.Script longScript(int t) {
    int[][] rows = new int[t + 1][];
    rows[0] = new int[] {4};
    for (int r = 1; r < t; r++) {
      int k = (r - 1) % 6;
      rows[r] =
          new int[] {k == 0 ? 4 : k == 1 ? 5 : Florence2TestModels.loc((r * 37 + k * 101) % 1000)};
    }
    rows[t] = new int[] {2};
    return new Florence2TestModels.Script(t + 1, rows, rows);
  }

  private static double bestMs(Florence2Captioner f, List<RgbImage> images) throws Exception {
    for (int i = 0; i < 3; i++) {
      f.generate(images);
    }
    List<Double> ms = new ArrayList<>();
    for (int i = 0; i < 11; i++) {
      long t0 = System.nanoTime();
      f.generate(images);
      ms.add((System.nanoTime() - t0) / 1e6);
    }
    return Collections.min(ms);
  }
}
