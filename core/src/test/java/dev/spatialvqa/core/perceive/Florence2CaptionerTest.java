package dev.spatialvqa.core.perceive;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.spatialvqa.core.image.RgbImage;
import dev.spatialvqa.core.models.ModelConfig.RegionsKind;
import dev.spatialvqa.core.models.ModelConfig.RegionsSettings;
import dev.spatialvqa.core.models.ModelException;
import dev.spatialvqa.core.models.ModelPool;
import dev.spatialvqa.core.models.ModelResolver;
import dev.spatialvqa.core.models.ModelRole;
import dev.spatialvqa.core.models.TestModels;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Florence-2 prompting, greedy decoding and parsing through DJL + ONNX Runtime on tiny graphs. */
class Florence2CaptionerTest {
  private static final double EPS = 1e-9;
  private static final RgbImage RED = PreprocessTest.solid(640, 480, 0xFF0000);
  private static final RgbImage BLUE = PreprocessTest.solid(200, 100, 0x0000FF);

  @TempDir Path dir;

  @AfterAll
  static void close() {
    ModelPool.closeAll();
  }

  private Florence2Captioner open(RegionsSettings s) throws Exception {
    return Florence2TestModels.captioner(
        ModelPool.shared(ModelPool.Settings.cpu()),
        new ModelResolver(dir.resolve("cache"), List.of()),
        dir,
        Florence2TestModels.tokenizer(dir),
        Florence2TestModels.decoder(dir, false),
        null,
        s);
  }

  /**
   * The KV-cache pair: with {@code cached} the with-past decoder too, else the same no-past decoder
   * (which also returns the cache) alone, decoding over the whole prefix.
   */
  private Florence2Captioner openKv(RegionsSettings s, boolean cached) throws Exception {
    return Florence2TestModels.captioner(
        ModelPool.shared(ModelPool.Settings.cpu()),
        new ModelResolver(dir.resolve("cache"), List.of()),
        dir,
        Florence2TestModels.tokenizer(dir),
        Florence2TestModels.decoderWithPresents(dir),
        cached ? Florence2TestModels.decoderWithPast(dir, false) : null,
        s);
  }

  private static RegionsSettings settings(int maxNewTokens, int ngram) {
    return new RegionsSettings(
        RegionsKind.FLORENCE2, RegionsSettings.DENSE_REGION_CAPTION, maxNewTokens, ngram, 20, 0.5);
  }

  private static void assertBox(Region r, String caption, int[] bins, int w, int h) {
    assertEquals(caption, r.caption());
    assertEquals((bins[0] + 0.5) * w / 1000, r.x0(), EPS, "x0 of " + r);
    assertEquals((bins[1] + 0.5) * h / 1000, r.y0(), EPS, "y0 of " + r);
    assertEquals((bins[2] + 0.5) * w / 1000, r.x1(), EPS, "x1 of " + r);
    assertEquals((bins[3] + 0.5) * h / 1000, r.y1(), EPS, "y1 of " + r);
    assertEquals(Florence2Captioner.SCORE, r.score());
  }

  @Test
  void promptIsTheTaskTextInBosEos() throws Exception {
    try (Florence2Captioner f = open(settings(64, 3))) {
      assertArrayEquals(Florence2TestModels.DENSE_PROMPT, f.promptIds());
    }
    RegionsSettings od =
        new RegionsSettings(RegionsKind.FLORENCE2, RegionsSettings.OD, 64, 3, 20, 0.5);
    try (Florence2Captioner f = open(od)) {
      // "Locate the objects with category name in the image."
      assertArrayEquals(new long[] {0, 9, 10, 11, 15, 19, 20, 12, 10, 13, 18, 2}, f.promptIds());
    }
  }

  @Test
  void batchDecodesGreedilyWithForcedBosStopsAtEosAndParsesPixelBoxes() throws Exception {
    try (Florence2Captioner f = open(settings(64, 3))) {
      List<String> texts = f.generate(List.of(RED, BLUE));
      // <s> is forced although the script's first row prefers another word; </s> ends each row
      assertEquals(
          "<s>red chair<loc_100><loc_200><loc_499><loc_999>wooden table<loc_0><loc_500><loc_250>"
              + "<loc_750>red chair<loc_300><loc_400><loc_600><loc_700></s>",
          texts.get(0));
      assertEquals("<s>lamp<loc_10><loc_20><loc_30><loc_40></s>", texts.get(1));
      assertEquals(Map.of(), f.drainCounts());

      List<List<Region>> out = f.propose(List.of(RED, BLUE));
      List<Region> red = out.get(0);
      assertEquals(3, red.size(), red.toString());
      assertBox(red.get(0), "red chair", new int[] {100, 200, 499, 999}, 640, 480);
      assertBox(red.get(1), "wooden table", new int[] {0, 500, 250, 750}, 640, 480);
      // the trigram "red chair <loc_100>" may not repeat: the runner-up bin 300 is taken
      assertBox(red.get(2), "red chair", new int[] {300, 400, 600, 700}, 640, 480);
      assertEquals(1, out.get(1).size());
      assertBox(out.get(1).get(0), "lamp", new int[] {10, 20, 30, 40}, 200, 100);
      assertEquals(Map.of(), f.drainCounts());
      // one image alone decodes the same as in the batch
      assertEquals(out.get(1), f.propose(List.of(BLUE)).get(0));
    }
  }

  @Test
  void withoutTheNgramBanTheTrigramRepeats() throws Exception {
    try (Florence2Captioner f = open(settings(64, 0))) {
      List<Region> red = f.propose(List.of(RED)).get(0);
      assertEquals(3, red.size());
      assertBox(red.get(2), "red chair", new int[] {100, 400, 600, 700}, 640, 480);
    }
  }

  @Test
  void maxNewTokensTruncatesAndIsCounted() throws Exception {
    // the red script needs 20 new tokens (<s> .. </s>): 19 stops one short of </s>
    try (Florence2Captioner f = open(settings(19, 3))) {
      assertTrue(f.generate(List.of(RED)).get(0).endsWith("<loc_700>"));
      assertEquals(Map.of("regions.florence2.truncated", 1L), f.drainCounts());
    }
    // 5 new tokens: <s> red chair <loc_100> <loc_200>: no whole box
    try (Florence2Captioner f = open(settings(5, 3))) {
      List<List<Region>> out = f.propose(List.of(RED, BLUE));
      assertTrue(out.get(0).isEmpty());
      assertTrue(out.get(1).isEmpty());
      assertEquals(
          Map.of("regions.florence2.truncated", 2L, "regions.florence2.incomplete_box", 2L),
          f.drainCounts());
      assertEquals(Map.of(), f.drainCounts());
    }
    try (Florence2Captioner f = open(settings(20, 3))) {
      assertEquals(3, f.propose(List.of(RED)).get(0).size());
      assertEquals(Map.of(), f.drainCounts());
    }
  }

  @Test
  void nmsAndMaxObjectsApply() throws Exception {
    RegionsSettings one =
        new RegionsSettings(
            RegionsKind.FLORENCE2, RegionsSettings.DENSE_REGION_CAPTION, 64, 3, 1, 0.5);
    try (Florence2Captioner f = open(one)) {
      List<Region> red = f.propose(List.of(RED)).get(0);
      assertEquals(1, red.size());
      assertEquals("red chair", red.get(0).caption());
    }
  }

  @Test
  void ngramBanMatchesHuggingFace() {
    long[] seq = {2, 0, 4, 5, 7, 4, 5, 0};
    // prefix (4, 5) was followed by 7
    assertEquals(Set.of(7L), Florence2Captioner.bannedNgramTokens(seq, 7, 3));
    assertEquals(Set.of(), Florence2Captioner.bannedNgramTokens(seq, 7, 0));
    // bigram: after 5, 7 was seen
    assertEquals(Set.of(7L), Florence2Captioner.bannedNgramTokens(seq, 7, 2));
    // unigram size 1 bans every token seen
    assertEquals(Set.of(2L, 0L, 4L, 5L, 7L), Florence2Captioner.bannedNgramTokens(seq, 5, 1));
    assertEquals(Set.of(), Florence2Captioner.bannedNgramTokens(seq, 1, 3));
  }

  @Test
  void aMergedDecoderIsRefusedWithAdvice() throws Exception {
    ModelPool pool = ModelPool.shared(ModelPool.Settings.cpu());
    ModelResolver resolver = new ModelResolver(dir.resolve("cache"), List.of());
    Path merged = Florence2TestModels.decoder(dir, true);
    ModelException e =
        assertThrows(
            ModelException.class,
            () ->
                pool.lease(
                    TestModels.spec("f2-merged", ModelRole.FLORENCE2_DECODER, merged), resolver));
    assertTrue(e.getMessage().contains("decoder_model.onnx"), e.getMessage());
    assertTrue(e.getMessage().contains("unexpected input use_cache_branch"), e.getMessage());
  }

  @Test
  void wrongRolesAreRejected() throws Exception {
    ModelPool pool = ModelPool.shared(ModelPool.Settings.cpu());
    ModelResolver resolver = new ModelResolver(dir.resolve("cache"), List.of());
    Path tok = Florence2TestModels.tokenizer(dir);
    ModelPool.Lease embed =
        pool.lease(
            TestModels.spec(
                "f2-embed",
                ModelRole.FLORENCE2_EMBED_TOKENS,
                Florence2TestModels.embedTokens(dir),
                tok),
            resolver);
    try {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> new Florence2Captioner(embed, embed, embed, embed, settings(8, 3)));
      assertTrue(e.getMessage().contains("florence2_vision_encoder"), e.getMessage());
    } finally {
      embed.close();
    }
  }

  @Test
  void theKvCacheDecodesExactlyAsTheWholePrefix() throws Exception {
    for (RegionsSettings s :
        List.of(settings(64, 3), settings(64, 0), settings(19, 3), settings(5, 3))) {
      String what =
          "max_new_tokens " + s.maxNewTokens() + ", no_repeat_ngram_size " + s.noRepeatNgramSize();
      try (Florence2Captioner full = openKv(s, false);
          Florence2Captioner cached = openKv(s, true)) {
        assertFalse(full.cached());
        assertTrue(cached.cached());
        List<RgbImage> images = List.of(RED, BLUE);
        assertEquals(full.generate(images), cached.generate(images), what);
        assertEquals(full.drainCounts(), cached.drainCounts(), what);
        assertEquals(full.propose(images), cached.propose(images), what);
        assertEquals(full.drainCounts(), cached.drainCounts(), what);
      }
    }
    try (Florence2Captioner cached = openKv(settings(64, 3), true)) {
      assertTrue(
          cached.id().endsWith("+f2-with-past@" + cached.id().substring(cached.id().length() - 12)),
          cached.id());
      // the n-gram ban holds on the cached path: the repeated "red chair" takes bin 300
      assertEquals(
          "<s>red chair<loc_100><loc_200><loc_499><loc_999>wooden table<loc_0><loc_500><loc_250>"
              + "<loc_750>red chair<loc_300><loc_400><loc_600><loc_700></s>",
          cached.generate(List.of(RED)).get(0));
    }
    try (Florence2Captioner cached = openKv(settings(19, 3), true)) {
      assertTrue(cached.generate(List.of(RED)).get(0).endsWith("<loc_700>"));
      assertEquals(Map.of("regions.florence2.truncated", 1L), cached.drainCounts());
    }
  }

  /**
   * The stand-in cache is equivalent to the whole prefix only when fed back as returned: a dropped
   * past or swapped parts change the next token, so the test above fails for a captioner that drops
   * or mis-orders the cache.
   */
  @Test
  void theStandInCacheOnlyFitsWhenFedBackInOrder() throws Exception {
    ai.djl.engine.Engine.getEngine("OnnxRuntime");
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    float[][][] enc = new float[1][3][Florence2TestModels.HIDDEN];
    for (float[] row : enc[0]) {
      Arrays.fill(row, 2f); // positive: the red script
    }
    try (OrtSession first =
            env.createSession(Florence2TestModels.decoderWithPresents(dir).toString());
        OrtSession step =
            env.createSession(Florence2TestModels.decoderWithPast(dir, false).toString());
        OnnxTensor mask = OnnxTensor.createTensor(env, new long[][] {{1, 1, 1}});
        OnnxTensor states = OnnxTensor.createTensor(env, enc);
        OnnxTensor two = OnnxTensor.createTensor(env, new float[1][2][Florence2TestModels.HIDDEN]);
        OnnxTensor one = OnnxTensor.createTensor(env, new float[1][1][Florence2TestModels.HIDDEN]);
        OnnxTensor empty =
            OnnxTensor.createTensor(env, FloatBuffer.allocate(0), new long[] {1, 2, 0, 2});
        OrtSession.Result r0 =
            first.run(
                Map.of(
                    "encoder_attention_mask",
                    mask,
                    "encoder_hidden_states",
                    states,
                    "inputs_embeds",
                    two))) {
      Map<String, OnnxTensor> past = new HashMap<>();
      for (int l = 0; l < Florence2TestModels.LAYERS; l++) {
        for (String part : Florence2TestModels.PARTS) {
          past.put(
              "past_key_values." + l + "." + part,
              (OnnxTensor) r0.get("present." + l + "." + part).get());
        }
      }
      // as returned: row 2 of the red script ("chair"), what the whole prefix gives at position 2
      assertEquals(Florence2TestModels.RED_SCRIPT[2][0], nextToken(step, mask, one, past));
      Map<String, OnnxTensor> dropped = new HashMap<>(past);
      dropped.replaceAll((k, v) -> k.contains(".decoder.") ? empty : v);
      assertEquals(Florence2TestModels.RED_SCRIPT[0][0], nextToken(step, mask, one, dropped));
      Map<String, OnnxTensor> kv = new HashMap<>(past);
      kv.put("past_key_values.0.decoder.key", past.get("past_key_values.0.decoder.value"));
      kv.put("past_key_values.0.decoder.value", past.get("past_key_values.0.decoder.key"));
      assertEquals(0, nextToken(step, mask, one, kv)); // all-zero logits
      Map<String, OnnxTensor> layers = new HashMap<>(past);
      layers.put("past_key_values.0.encoder.key", past.get("past_key_values.1.encoder.key"));
      layers.put("past_key_values.1.encoder.key", past.get("past_key_values.0.encoder.key"));
      assertEquals(Florence2TestModels.OTHER_SCRIPT[2][0], nextToken(step, mask, one, layers));
    }
  }

  private static int nextToken(
      OrtSession step, OnnxTensor mask, OnnxTensor emb, Map<String, OnnxTensor> past)
      throws Exception {
    Map<String, OnnxTensor> in = new HashMap<>(past);
    in.put("encoder_attention_mask", mask);
    in.put("inputs_embeds", emb);
    try (OrtSession.Result r = step.run(in)) {
      float[] logits = ((float[][][]) r.get("logits").get().getValue())[0][0];
      int best = 0;
      for (int k = 1; k < logits.length; k++) {
        if (logits[k] > logits[best]) {
          best = k;
        }
      }
      return best;
    }
  }

  @Test
  void kvCacheMismatchesAreStartUpErrorsNamingTheRole() throws Exception {
    ModelPool pool = ModelPool.shared(ModelPool.Settings.cpu());
    ModelResolver resolver = new ModelResolver(dir.resolve("cache"), List.of());
    ModelException noPast =
        assertThrows(
            ModelException.class,
            () ->
                pool.lease(
                    TestModels.spec(
                        "f2-wp",
                        ModelRole.FLORENCE2_DECODER_WITH_PAST,
                        Florence2TestModels.decoderWithPresents(dir)),
                    resolver));
    assertTrue(
        noPast.getMessage().contains("model 'f2-wp' (role florence2_decoder_with_past"),
        noPast.getMessage());
    assertTrue(
        noPast.getMessage().contains("belongs in the florence2_decoder role"), noPast.getMessage());
    assertTrue(noPast.getMessage().contains("no past_key_values.* inputs"), noPast.getMessage());

    ModelException broken =
        assertThrows(
            ModelException.class,
            () ->
                pool.lease(
                    TestModels.spec(
                        "f2-wp",
                        ModelRole.FLORENCE2_DECODER_WITH_PAST,
                        Florence2TestModels.decoderWithPast(dir, true)),
                    resolver));
    assertTrue(
        broken.getMessage().contains("role florence2_decoder_with_past"), broken.getMessage());
    assertTrue(
        broken.getMessage().contains("missing input past_key_values.1.encoder.value"),
        broken.getMessage());

    ModelException merged =
        assertThrows(
            ModelException.class,
            () ->
                pool.lease(
                    TestModels.spec(
                        "f2-wp",
                        ModelRole.FLORENCE2_DECODER_WITH_PAST,
                        Florence2TestModels.decoder(dir, true)),
                    resolver));
    assertTrue(merged.getMessage().contains("merged decoder"), merged.getMessage());

    // a decoder_model.onnx that does not return the cache cannot start the cached path
    Path tok = Florence2TestModels.tokenizer(dir);
    List<ModelPool.Lease> leases =
        List.of(
            pool.lease(
                TestModels.spec(
                    "f2-vision",
                    ModelRole.FLORENCE2_VISION_ENCODER,
                    Florence2TestModels.visionEncoder(dir)),
                resolver),
            pool.lease(
                TestModels.spec(
                    "f2-embed",
                    ModelRole.FLORENCE2_EMBED_TOKENS,
                    Florence2TestModels.embedTokens(dir),
                    tok),
                resolver),
            pool.lease(
                TestModels.spec(
                    "f2-encoder", ModelRole.FLORENCE2_ENCODER, Florence2TestModels.encoder(dir)),
                resolver),
            pool.lease(
                TestModels.spec(
                    "f2-decoder",
                    ModelRole.FLORENCE2_DECODER,
                    Florence2TestModels.decoder(dir, false)),
                resolver),
            pool.lease(
                TestModels.spec(
                    "f2-wp",
                    ModelRole.FLORENCE2_DECODER_WITH_PAST,
                    Florence2TestModels.decoderWithPast(dir, false)),
                resolver));
    try {
      ModelException e =
          assertThrows(
              ModelException.class,
              () ->
                  new Florence2Captioner(
                      leases.get(0),
                      leases.get(1),
                      leases.get(2),
                      leases.get(3),
                      leases.get(4),
                      settings(8, 3)));
      assertTrue(
          e.getMessage()
              .contains(
                  "model 'f2-decoder' (role florence2_decoder) does not return the KV cache"
                      + " that model 'f2-wp' (role florence2_decoder_with_past) takes (2 layers, heads 2, head size 2)"),
          e.getMessage());
      assertTrue(e.getMessage().contains("missing output present.0.decoder.key"), e.getMessage());
    } finally {
      leases.forEach(ModelPool.Lease::close);
    }
  }
}
