package dev.spatialvqa.vision;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.NoBatchifyTranslator;
import ai.djl.translate.TranslateException;
import ai.djl.translate.TranslatorContext;
import dev.spatialvqa.models.ModelConfig.RegionsSettings;
import dev.spatialvqa.models.ModelException;
import dev.spatialvqa.models.ModelPool;
import dev.spatialvqa.models.ModelRole;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Florence-2 region captions ({@code <DENSE_REGION_CAPTION>}, or {@code <OD>} for category
 * names) from the four-file ONNX export of optimum / onnx-community ({@code vision_encoder.onnx},
 * {@code embed_tokens.onnx}, {@code encoder_model.onnx}, {@code decoder_model.onnx}), as
 * Hugging Face's Florence-2 processor and {@code generate} do it:
 *
 * <ol>
 *   <li>pixels: {@link Preprocess#florence2} to {@code image_features} [N,577,H];
 *   <li>prompt: the task token's text ({@code <DENSE_REGION_CAPTION>} is "Locate the objects in
 *       the image, with their descriptions.") tokenized with {@code <s>...</s>} and embedded;
 *   <li>encoder over {@code concat(image_features, prompt embeddings)}, attention mask all ones;
 *   <li>greedy decoding without KV cache: the decoder starts with {@code </s>} (decoder start
 *       token 2), {@code <s>} (0) is forced next, then the arg-max token not banned by
 *       {@code no_repeat_ngram_size} is appended until {@code </s>} (2) or
 *       {@code max_new_tokens} (the forced {@code <s>} counts, as in HF); images are decoded as
 *       one batch, finished rows are fed {@code <pad>} (1) and ignored;
 *   <li>the ids are decoded with special tokens and parsed by {@link DenseCaptions}; regions keep
 *       the output order (Florence-2 has no score: each gets {@link #SCORE}), NMS among equal
 *       captions, at most {@code max_objects}.
 * </ol>
 *
 * <p>HF's Florence-2 generation config decodes with 3 beams; this is greedy (one decoder pass per
 * token for the batch). Counts ({@link #drainCounts}): {@code regions.florence2.truncated} (no
 * {@code </s>} within {@code max_new_tokens}) and the parser's problems as
 * {@code regions.florence2.<name>}. Not thread-safe.
 */
public final class Florence2Captioner implements RegionProposer {
  /** The score given to every region (Florence-2 does not score its outputs). */
  public static final double SCORE = 1.0;

  public static final long BOS = 0;
  public static final long PAD = 1;
  public static final long EOS = 2;
  public static final long DECODER_START = 2;
  public static final String COUNTER_PREFIX = "regions.florence2.";
  public static final String TRUNCATED = "truncated";

  private static final Map<String, String> PROMPTS = Map.of(
      RegionsSettings.DENSE_REGION_CAPTION, "Locate the objects in the image, with their descriptions.",
      RegionsSettings.OD, "Locate the objects with category name in the image.");

  private final ModelPool.Lease visionLease;
  private final ModelPool.Lease embedLease;
  private final ModelPool.Lease encoderLease;
  private final ModelPool.Lease decoderLease;
  private final Predictor<List<In>, Out> vision;
  private final Predictor<List<In>, Out> embed;
  private final Predictor<List<In>, Out> encoder;
  private final Predictor<List<In>, Out> decoder;
  private final HuggingFaceTokenizer tokenizer;
  private final RegionsSettings settings;
  private final long[] promptIds;
  private final Map<String, Long> counts = new TreeMap<>();

  /** A named input tensor: {@code float[]} or {@code long[]} data. */
  record In(String name, Object data, long[] shape) {}

  /** One float output. */
  record Out(float[] data, long[] shape) {}

  /** Takes ownership of the four leases (closed by {@link #close}). */
  public Florence2Captioner(
      ModelPool.Lease visionLease,
      ModelPool.Lease embedLease,
      ModelPool.Lease encoderLease,
      ModelPool.Lease decoderLease,
      RegionsSettings settings) {
    require(visionLease, ModelRole.FLORENCE2_VISION_ENCODER);
    require(embedLease, ModelRole.FLORENCE2_EMBED_TOKENS);
    require(encoderLease, ModelRole.FLORENCE2_ENCODER);
    require(decoderLease, ModelRole.FLORENCE2_DECODER);
    this.visionLease = visionLease;
    this.embedLease = embedLease;
    this.encoderLease = encoderLease;
    this.decoderLease = decoderLease;
    this.settings = settings;
    String prompt = PROMPTS.get(settings.task());
    if (prompt == null) {
      throw new IllegalArgumentException("unsupported Florence-2 task " + settings.task());
    }
    String what = "model '" + embedLease.spec().name() + "' (role " + embedLease.spec().role().key() + ")";
    try {
      this.tokenizer = HuggingFaceTokenizer.builder()
          .optTokenizerPath(embedLease.tokenizer())
          .optAddSpecialTokens(true)
          .optPadding(false)
          .optTruncation(false)
          .build();
    } catch (IOException e) {
      throw new ModelException(what + ": cannot load tokenizer: " + e.getMessage(), e);
    }
    String specials = tokenizer.decode(new long[] {BOS, PAD, EOS}, false);
    if (!specials.replace(" ", "").equals("<s><pad></s>")) {
      tokenizer.close();
      throw new ModelException(what + ": tokenizer ids 0, 1, 2 decode to '" + specials
          + "', expected Florence-2's (BART's) <s>, <pad>, </s>");
    }
    this.promptIds = tokenizer.encode(prompt).getIds();
    if (promptIds.length < 2 || promptIds[0] != BOS || promptIds[promptIds.length - 1] != EOS) {
      tokenizer.close();
      throw new ModelException(what + ": the tokenizer does not wrap the prompt in <s> ... </s> (ids "
          + Arrays.toString(promptIds) + "); Florence-2's tokenizer.json has a RobertaProcessing post-processor");
    }
    this.vision = visionLease.newPredictor(new Run("image_features"));
    this.embed = embedLease.newPredictor(new Run("inputs_embeds"));
    this.encoder = encoderLease.newPredictor(new Run("last_hidden_state"));
    this.decoder = decoderLease.newPredictor(new Run("logits"));
  }

  private static void require(ModelPool.Lease lease, ModelRole role) {
    if (lease.spec().role() != role) {
      throw new IllegalArgumentException(
          "Florence2Captioner needs a " + role.key() + " model, got " + lease.spec().role().key());
    }
  }

  @Override
  public String id() {
    return visionLease.spec().id() + "+" + embedLease.spec().id() + "+" + encoderLease.spec().id()
        + "+" + decoderLease.spec().id();
  }

  /** The prompt's token ids, {@code <s>} and {@code </s>} included. */
  public long[] promptIds() {
    return promptIds.clone();
  }

  @Override
  public List<List<Region>> propose(List<RgbImage> images) {
    if (images.isEmpty()) {
      return List.of();
    }
    try {
      List<String> texts = generate(images);
      List<List<Region>> out = new ArrayList<>();
      for (int i = 0; i < images.size(); i++) {
        DenseCaptions.Parsed p =
            DenseCaptions.parse(texts.get(i), images.get(i).width(), images.get(i).height(), SCORE);
        p.counts().forEach((k, v) -> counts.merge(COUNTER_PREFIX + k, v, Long::sum));
        out.add(Nms.perCaption(p.regions(), settings.nmsIou(), settings.maxObjects()));
      }
      return out;
    } catch (TranslateException e) {
      throw new IllegalStateException("Florence-2 region captioning failed: " + e.getMessage(), e);
    }
  }

  /**
   * The decoded output per image (special tokens kept, the decoder start token left out), as HF's
   * {@code batch_decode(generated_ids[:, 1:], skip_special_tokens=False)}.
   */
  public List<String> generate(List<RgbImage> images) throws TranslateException {
    int n = images.size();
    int side = Preprocess.FLORENCE2_SIZE;
    int per = 3 * side * side;
    float[] px = new float[n * per];
    for (int i = 0; i < n; i++) {
      System.arraycopy(Preprocess.florence2(images.get(i)), 0, px, i * per, per);
    }
    Out feats = visionLease.predict(vision, List.of(new In("pixel_values", px, new long[] {n, 3, side, side})));
    expectRank(feats, 3, n, "image_features");
    int patches = (int) feats.shape[1];
    int h = (int) feats.shape[2];

    int l = promptIds.length;
    long[] ids = new long[n * l];
    for (int i = 0; i < n; i++) {
      System.arraycopy(promptIds, 0, ids, i * l, l);
    }
    Out prompt = embed(ids, n, l, h);

    int s = patches + l;
    float[] encIn = new float[n * s * h];
    for (int i = 0; i < n; i++) {
      System.arraycopy(feats.data, i * patches * h, encIn, i * s * h, patches * h);
      System.arraycopy(prompt.data, i * l * h, encIn, (i * s + patches) * h, l * h);
    }
    long[] mask = new long[n * s];
    Arrays.fill(mask, 1L);
    Out enc = encoderLease.predict(encoder, List.of(
        new In("inputs_embeds", encIn, new long[] {n, s, h}),
        new In("attention_mask", mask, new long[] {n, s})));
    expectRank(enc, 3, n, "last_hidden_state");
    if (enc.shape[1] != s || enc.shape[2] != h) {
      throw new IllegalStateException("florence2_encoder returned last_hidden_state "
          + Arrays.toString(enc.shape) + " for inputs_embeds [" + n + "," + s + "," + h + "]");
    }

    int maxLen = 1 + settings.maxNewTokens();
    long[][] seq = new long[n][maxLen];
    float[][] seqEmb = new float[n][maxLen * h];
    boolean[] done = new boolean[n];
    long[] first = new long[n * 2];
    for (int i = 0; i < n; i++) {
      seq[i][0] = DECODER_START;
      seq[i][1] = BOS; // forced_bos_token_id
      first[2 * i] = DECODER_START;
      first[2 * i + 1] = BOS;
    }
    Out e0 = embed(first, n, 2, h);
    for (int i = 0; i < n; i++) {
      System.arraycopy(e0.data, i * 2 * h, seqEmb[i], 0, 2 * h);
    }
    int len = 2;
    int[] ended = new int[n];
    Arrays.fill(ended, -1);
    while (len < maxLen) {
      float[] decIn = new float[n * len * h];
      for (int i = 0; i < n; i++) {
        System.arraycopy(seqEmb[i], 0, decIn, i * len * h, len * h);
      }
      Out logits = decoderLease.predict(decoder, List.of(
          new In("encoder_attention_mask", mask, new long[] {n, s}),
          new In("encoder_hidden_states", enc.data, new long[] {n, s, h}),
          new In("inputs_embeds", decIn, new long[] {n, len, h})));
      expectRank(logits, 3, n, "logits");
      if (logits.shape[1] != len) {
        throw new IllegalStateException("florence2_decoder returned logits " + Arrays.toString(logits.shape)
            + " for " + len + " positions; the role needs decoder_model.onnx (no KV cache)");
      }
      int v = (int) logits.shape[2];
      long[] next = new long[n];
      for (int i = 0; i < n; i++) {
        if (done[i]) {
          next[i] = PAD;
          continue;
        }
        Set<Long> banned = bannedNgramTokens(seq[i], len, settings.noRepeatNgramSize());
        int off = (i * len + len - 1) * v;
        long best = -1;
        float bestLogit = Float.NEGATIVE_INFINITY;
        for (int k = 0; k < v; k++) {
          float x = logits.data[off + k];
          if ((best < 0 || x > bestLogit) && !banned.contains((long) k)) {
            best = k;
            bestLogit = x;
          }
        }
        if (best < 0) {
          throw new IllegalStateException("no_repeat_ngram_size " + settings.noRepeatNgramSize()
              + " bans every token of the vocabulary (" + v + ")");
        }
        next[i] = best;
        if (best == EOS) {
          done[i] = true;
          ended[i] = len;
        }
      }
      for (int i = 0; i < n; i++) {
        seq[i][len] = next[i];
      }
      len++;
      boolean all = true;
      for (boolean d : done) {
        all &= d;
      }
      if (all || len == maxLen) {
        break;
      }
      Out e = embed(next, n, 1, h);
      for (int i = 0; i < n; i++) {
        System.arraycopy(e.data, i * h, seqEmb[i], (len - 1) * h, h);
      }
    }
    List<String> texts = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      int end = ended[i] >= 0 ? ended[i] + 1 : len;
      if (ended[i] < 0) {
        counts.merge(COUNTER_PREFIX + TRUNCATED, 1L, Long::sum);
      }
      texts.add(tokenizer.decode(Arrays.copyOfRange(seq[i], 1, end), false));
    }
    return texts;
  }

  private Out embed(long[] ids, int n, int t, int h) throws TranslateException {
    Out e = embedLease.predict(embed, List.of(new In("input_ids", ids, new long[] {n, t})));
    expectRank(e, 3, n, "inputs_embeds");
    if (e.shape[1] != t || e.shape[2] != h) {
      throw new IllegalStateException("florence2_embed_tokens returned inputs_embeds " + Arrays.toString(e.shape)
          + " for input_ids [" + n + "," + t + "]; expected hidden size " + h + " (the vision encoder's)");
    }
    return e;
  }

  private static void expectRank(Out o, int rank, int n, String name) {
    if (o.shape.length != rank || o.shape[0] != n) {
      throw new IllegalStateException(
          name + " has shape " + Arrays.toString(o.shape) + ", expected rank " + rank + " with batch " + n);
    }
  }

  /**
   * HF's {@code NoRepeatNGramLogitsProcessor}: the tokens that would complete an n-gram already
   * present in {@code seq[0..len)}.
   */
  static Set<Long> bannedNgramTokens(long[] seq, int len, int n) {
    Set<Long> banned = new HashSet<>();
    if (n < 1 || len + 1 < n) {
      return banned;
    }
    for (int start = 0; start + n <= len; start++) {
      boolean match = true;
      for (int j = 0; j < n - 1; j++) {
        if (seq[start + j] != seq[len - n + 1 + j]) {
          match = false;
          break;
        }
      }
      if (match) {
        banned.add(seq[start + n - 1]);
      }
    }
    return banned;
  }

  /** Problems counted since the last call (counter name to count), then forgotten. */
  @Override
  public Map<String, Long> drainCounts() {
    Map<String, Long> c = Map.copyOf(counts);
    counts.clear();
    return c;
  }

  @Override
  public void close() {
    vision.close();
    embed.close();
    encoder.close();
    decoder.close();
    tokenizer.close();
    visionLease.close();
    embedLease.close();
    encoderLease.close();
    decoderLease.close();
  }

  /** Feeds named tensors and reads one float output. */
  private static final class Run implements NoBatchifyTranslator<List<In>, Out> {
    private final String output;

    Run(String output) {
      this.output = output;
    }

    @Override
    public NDList processInput(TranslatorContext ctx, List<In> inputs) {
      NDManager m = ctx.getNDManager();
      NDList list = new NDList();
      for (In in : inputs) {
        NDArray a = in.data() instanceof float[] f
            ? m.create(f, new Shape(in.shape()))
            : m.create((long[]) in.data(), new Shape(in.shape()));
        a.setName(in.name());
        list.add(a);
      }
      return list;
    }

    @Override
    public Out processOutput(TranslatorContext ctx, NDList list) {
      NDArray a = Outputs.named(list, output);
      return new Out(a.toFloatArray(), a.getShape().getShape());
    }
  }
}
