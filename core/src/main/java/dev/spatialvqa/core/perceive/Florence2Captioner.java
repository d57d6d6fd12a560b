package dev.spatialvqa.core.perceive;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.NoBatchifyTranslator;
import ai.djl.translate.TranslateException;
import ai.djl.translate.TranslatorContext;
import dev.spatialvqa.core.image.RgbImage;
import dev.spatialvqa.core.models.KvCacheLayout;
import dev.spatialvqa.core.models.ModelConfig.RegionsSettings;
import dev.spatialvqa.core.models.ModelException;
import dev.spatialvqa.core.models.ModelPool;
import dev.spatialvqa.core.models.ModelRole;
import dev.spatialvqa.core.models.SignatureReader;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Florence-2 region captions ({@code <DENSE_REGION_CAPTION>}, or {@code <OD>} for category names)
 * from the four-file ONNX export of optimum / onnx-community ({@code vision_encoder.onnx}, {@code
 * embed_tokens.onnx}, {@code encoder_model.onnx}, {@code decoder_model.onnx}, optionally {@code
 * decoder_with_past_model.onnx} for a KV cache), as Hugging Face's Florence-2 processor and {@code
 * generate} do it:
 *
 * <ol>
 *   <li>pixels: {@link Preprocess#florence2} to {@code image_features} [N,577,H];
 *   <li>prompt: the task token's text ({@code <DENSE_REGION_CAPTION>} is "Locate the objects in the
 *       image, with their descriptions.") tokenized with {@code <s>...</s>} and embedded;
 *   <li>encoder over {@code concat(image_features, prompt embeddings)}, attention mask all ones;
 *   <li>greedy decoding: the decoder starts with {@code </s>} (decoder start token 2), {@code <s>}
 *       (0) is forced next, then the arg-max token not banned by {@code no_repeat_ngram_size} is
 *       appended until {@code </s>} (2) or {@code max_new_tokens} (the forced {@code <s>} counts,
 *       as in HF); images are decoded as one batch, finished rows are fed {@code <pad>} (1) and
 *       ignored. Without a with-past decoder every step runs {@code decoder_model.onnx} over the
 *       whole prefix; with one ({@code florence2_decoder_with_past}), {@code decoder_model.onnx}
 *       runs once over {@code </s><s>} and returns the cache ({@code present.*}), then each step
 *       feeds only the new token's embedding plus {@code past_key_values.*} (the self-attention
 *       cache of the previous step, the cross-attention cache of the first) to the with-past
 *       decoder, as optimum and transformers.js do;
 *   <li>the ids are decoded with special tokens and parsed by {@link DenseCaptions}; regions keep
 *       the output order (Florence-2 has no score: each gets {@link #SCORE}), NMS among equal
 *       captions, at most {@code max_objects}.
 * </ol>
 *
 * <p>HF's Florence-2 generation config decodes with 3 beams; by default this is greedy (one decoder
 * pass per token for the batch); {@code num_beams} above 1 runs HF-style beam search over the
 * no-past decoder (see {@code beamSearch}). The KV cache stays in ONNX Runtime tensors between
 * steps (never copied to Java); only each step's logits are. Counts ({@link #drainCounts}): {@code
 * regions.florence2.truncated} (no {@code </s>} within {@code max_new_tokens}) and the parser's
 * problems as {@code regions.florence2.<name>}. Not thread-safe.
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

  private static final Map<String, String> PROMPTS =
      Map.of(
          RegionsSettings.DENSE_REGION_CAPTION,
              "Locate the objects in the image, with their descriptions.",
          RegionsSettings.OD, "Locate the objects with category name in the image.");

  private final ModelPool.Lease visionLease;
  private final ModelPool.Lease embedLease;
  private final ModelPool.Lease encoderLease;
  private final ModelPool.Lease decoderLease;
  private final ModelPool.Lease withPastLease;
  private final KvCacheLayout cache;
  private final boolean withPastTakesEncoderStates;
  private final Predictor<List<In>, Out> vision;
  private final Predictor<List<In>, Out> embed;
  private final Predictor<List<In>, Out> encoder;

  /** Null with the KV cache (then {@link #decoderWithCache} runs the decoder once per decode). */
  private final Predictor<List<In>, Out> decoder;

  private final Predictor<Step, StepOut> decoderWithCache;
  private final Predictor<Step, StepOut> withPast;
  private final HuggingFaceTokenizer tokenizer;
  private final RegionsSettings settings;
  private final long[] promptIds;
  private final Map<String, Long> counts = new TreeMap<>();

  /**
   * A named input tensor: {@code float[]} or {@code long[]} data, or an {@link NDArray} returned by
   * an earlier call (a cache tensor, fed as is; {@code shape} is then ignored).
   */
  record In(String name, Object data, long[] shape) {}

  /** A decoder call: its inputs, and the manager that keeps the returned cache tensors. */
  record Step(List<In> inputs, NDManager keep) {}

  /**
   * A decoder call's logits (copied out) and cache tensors (left in ONNX Runtime, owned by the
   * step's manager).
   */
  record StepOut(Out logits, Map<String, NDArray> cache) {}

  /** One float output. */
  record Out(float[] data, long[] shape) {}

  /** Decodes without KV cache; takes ownership of the four leases (closed by {@link #close}). */
  public Florence2Captioner(
      ModelPool.Lease visionLease,
      ModelPool.Lease embedLease,
      ModelPool.Lease encoderLease,
      ModelPool.Lease decoderLease,
      RegionsSettings settings) {
    this(visionLease, embedLease, encoderLease, decoderLease, null, settings);
  }

  /**
   * Takes ownership of the leases (closed by {@link #close}); {@code withPastLease} (role {@code
   * florence2_decoder_with_past}, may be null) turns on the KV cache, and then the decoder must
   * return every {@code present.*} the with-past decoder takes back.
   *
   * @throws ModelException when the two decoders' caches do not fit together
   */
  public Florence2Captioner(
      ModelPool.Lease visionLease,
      ModelPool.Lease embedLease,
      ModelPool.Lease encoderLease,
      ModelPool.Lease decoderLease,
      ModelPool.Lease withPastLease,
      RegionsSettings settings) {
    require(visionLease, ModelRole.FLORENCE2_VISION_ENCODER);
    require(embedLease, ModelRole.FLORENCE2_EMBED_TOKENS);
    require(encoderLease, ModelRole.FLORENCE2_ENCODER);
    require(decoderLease, ModelRole.FLORENCE2_DECODER);
    if (withPastLease != null) {
      require(withPastLease, ModelRole.FLORENCE2_DECODER_WITH_PAST);
      SignatureReader.Signature wp = withPastLease.signature();
      KvCacheLayout.Read read = KvCacheLayout.read(wp.inputs(), wp.outputs());
      if (read.layout() == null) {
        throw new ModelException(
            describe(withPastLease)
                + " does not have a KV cache Florence2Captioner can feed: "
                + String.join("; ", read.differences()));
      }
      List<String> missing = read.layout().missingPresents(decoderLease.signature().outputs());
      if (!missing.isEmpty()) {
        throw new ModelException(
            describe(decoderLease)
                + " does not return the KV cache that "
                + describe(withPastLease)
                + " takes ("
                + read.layout().layers()
                + " layers, heads "
                + read.layout().heads()
                + ", head size "
                + read.layout().headDim()
                + "): "
                + String.join("; ", missing)
                + ". Use the same export's decoder_model.onnx and decoder_with_past_model.onnx");
      }
      this.cache = read.layout();
      this.withPastTakesEncoderStates =
          wp.inputs().containsKey(ModelRole.ENCODER_HIDDEN_STATES.name());
    } else {
      this.cache = null;
      this.withPastTakesEncoderStates = false;
    }
    this.visionLease = visionLease;
    this.embedLease = embedLease;
    this.encoderLease = encoderLease;
    this.decoderLease = decoderLease;
    this.withPastLease = withPastLease;
    this.settings = settings;
    String prompt = PROMPTS.get(settings.task());
    if (prompt == null) {
      throw new IllegalArgumentException("unsupported Florence-2 task " + settings.task());
    }
    String what =
        "model '" + embedLease.spec().name() + "' (role " + embedLease.spec().role().key() + ")";
    try {
      this.tokenizer =
          HuggingFaceTokenizer.builder()
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
      throw new ModelException(
          what
              + ": tokenizer ids 0, 1, 2 decode to '"
              + specials
              + "', expected Florence-2's (BART's) <s>, <pad>, </s>");
    }
    this.promptIds = tokenizer.encode(prompt).getIds();
    if (promptIds.length < 2 || promptIds[0] != BOS || promptIds[promptIds.length - 1] != EOS) {
      tokenizer.close();
      throw new ModelException(
          what
              + ": the tokenizer does not wrap the prompt in <s> ... </s> (ids "
              + Arrays.toString(promptIds)
              + "); Florence-2's tokenizer.json has a RobertaProcessing post-processor");
    }
    this.vision = visionLease.newPredictor(new Run("image_features"));
    this.embed = embedLease.newPredictor(new Run("inputs_embeds"));
    this.encoder = encoderLease.newPredictor(new Run("last_hidden_state"));
    // one decoder predictor: over the whole prefix without the cache, or the first step with it
    // beam search runs the no-past decoder over each prefix (also with a KV cache configured)
    this.decoder =
        cache == null || settings.numBeams() > 1
            ? decoderLease.newPredictor(new Run("logits"))
            : null;
    if (cache != null) {
      List<String> first = new ArrayList<>(List.of("logits"));
      List<String> step = new ArrayList<>(List.of("logits"));
      for (int i = 0; i < cache.layers(); i++) {
        for (String part : KvCacheLayout.PARTS) {
          first.add(KvCacheLayout.present(i, part));
        }
        for (String part : KvCacheLayout.PARTS.subList(0, 2)) {
          step.add(KvCacheLayout.present(i, part));
        }
      }
      this.decoderWithCache = decoderLease.newPredictor(new RunCached(first));
      this.withPast = withPastLease.newPredictor(new RunCached(step));
    } else {
      this.decoderWithCache = null;
      this.withPast = null;
    }
  }

  private static String describe(ModelPool.Lease lease) {
    return "model '" + lease.spec().name() + "' (role " + lease.spec().role().key() + ")";
  }

  /** Whether decoding uses the KV cache (a {@code florence2_decoder_with_past} model is set). */
  public boolean cached() {
    return cache != null;
  }

  private static void require(ModelPool.Lease lease, ModelRole role) {
    if (lease.spec().role() != role) {
      throw new IllegalArgumentException(
          "Florence2Captioner needs a " + role.key() + " model, got " + lease.spec().role().key());
    }
  }

  @Override
  public String id() {
    return visionLease.spec().id()
        + "+"
        + embedLease.spec().id()
        + "+"
        + encoderLease.spec().id()
        + "+"
        + decoderLease.spec().id()
        + (withPastLease == null ? "" : "+" + withPastLease.spec().id());
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
    Out feats =
        visionLease.predict(
            vision, List.of(new In("pixel_values", px, new long[] {n, 3, side, side})));
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
    Out enc =
        encoderLease.predict(
            encoder,
            List.of(
                new In("inputs_embeds", encIn, new long[] {n, s, h}),
                new In("attention_mask", mask, new long[] {n, s})));
    expectRank(enc, 3, n, "last_hidden_state");
    if (enc.shape[1] != s || enc.shape[2] != h) {
      throw new IllegalStateException(
          "florence2_encoder returned last_hidden_state "
              + Arrays.toString(enc.shape)
              + " for inputs_embeds ["
              + n
              + ","
              + s
              + ","
              + h
              + "]");
    }

    int maxLen = 1 + settings.maxNewTokens();
    long[][] seq = new long[n][maxLen];
    boolean[] done = new boolean[n];
    int[] ended = new int[n];
    Arrays.fill(ended, -1);
    long[] first = new long[n * 2];
    for (int i = 0; i < n; i++) {
      seq[i][0] = DECODER_START;
      seq[i][1] = BOS; // forced_bos_token_id
      first[2 * i] = DECODER_START;
      first[2 * i + 1] = BOS;
    }
    Out e0 = embed(first, n, 2, h);
    if (settings.numBeams() > 1) {
      return beamSearch(e0, enc, mask, n, s, h, maxLen);
    }
    int len =
        cache != null
            ? decodeCached(seq, done, ended, e0, enc, mask, n, s, h, maxLen)
            : decodeUncached(seq, done, ended, e0, enc, mask, n, s, h, maxLen);
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

  /** A finished (or, at the length limit, unfinished) beam: tokens from index 0 and its score. */
  private record Hypothesis(long[] tokens, double score, boolean ended) {}

  /**
   * Beam search as HF's {@code generate(num_beams=B, length_penalty=1.0, early_stopping=False)}:
   * each image keeps B beams (the first step expands only one, after the forced {@code <s>}); each
   * step every beam's next-token log-softmax (tokens banned by {@code no_repeat_ngram_size} at
   * minus infinity) is added to its score, the best 2B candidates of the image are taken in order,
   * a {@code </s>} among the first B ends a hypothesis scored sum / length (length = tokens after
   * the decoder start, {@code </s>} included), the others continue until B beams run. An image is
   * done once it holds B hypotheses and none of its beams can beat the worst of them (best running
   * score / current length); at {@code max_new_tokens} the running beams join as unfinished
   * hypotheses (counted as truncated when one of them wins). The decoder runs over the whole prefix
   * of N x B rows each step (no KV cache).
   */
  private List<String> beamSearch(Out e0, Out enc, long[] mask, int n, int s, int h, int maxLen)
      throws TranslateException {
    int beams = settings.numBeams();
    int rows = n * beams;
    float[] encB = new float[rows * s * h];
    long[] maskB = new long[rows * s];
    for (int i = 0; i < n; i++) {
      for (int b = 0; b < beams; b++) {
        System.arraycopy(enc.data, i * s * h, encB, (i * beams + b) * s * h, s * h);
        System.arraycopy(mask, i * s, maskB, (i * beams + b) * s, s);
      }
    }
    long[][] seq = new long[rows][maxLen];
    float[][] emb = new float[rows][maxLen * h];
    double[] score = new double[rows];
    for (int r = 0; r < rows; r++) {
      seq[r][0] = DECODER_START;
      seq[r][1] = BOS;
      System.arraycopy(e0.data, (r / beams) * 2 * h, emb[r], 0, 2 * h);
      score[r] = r % beams == 0 ? 0 : Double.NEGATIVE_INFINITY;
    }
    List<List<Hypothesis>> done = new ArrayList<>();
    boolean[] imageDone = new boolean[n];
    for (int i = 0; i < n; i++) {
      done.add(new ArrayList<>());
    }
    int len = 2;
    while (true) {
      float[] decIn = new float[rows * len * h];
      for (int r = 0; r < rows; r++) {
        System.arraycopy(emb[r], 0, decIn, r * len * h, len * h);
      }
      Out logits =
          decoderLease.predict(
              decoder,
              List.of(
                  new In("encoder_attention_mask", maskB, new long[] {rows, s}),
                  new In("encoder_hidden_states", encB, new long[] {rows, s, h}),
                  new In("inputs_embeds", decIn, new long[] {rows, len, h})));
      expectRank(logits, 3, rows, "logits");
      int t = (int) logits.shape[1];
      int v = (int) logits.shape[2];
      long[][] nextSeq = new long[rows][];
      float[][] nextEmb = new float[rows][];
      double[] nextScore = new double[rows];
      long[] newTokens = new long[rows];
      for (int i = 0; i < n; i++) {
        if (imageDone[i]) {
          for (int b = 0; b < beams; b++) {
            int r = i * beams + b;
            nextSeq[r] = seq[r];
            nextEmb[r] = emb[r];
            nextScore[r] = Double.NEGATIVE_INFINITY;
            newTokens[r] = PAD;
          }
          continue;
        }
        // the best 2B (beam, token) candidates of this image
        int want = 2 * beams;
        double[] cv = new double[want];
        int[] cb = new int[want];
        int[] ck = new int[want];
        int have = 0;
        for (int b = 0; b < beams; b++) {
          int r = i * beams + b;
          if (score[r] == Double.NEGATIVE_INFINITY) {
            continue;
          }
          int off = (r * t + (len - 1)) * v;
          double max = Double.NEGATIVE_INFINITY;
          for (int k = 0; k < v; k++) {
            max = Math.max(max, logits.data[off + k]);
          }
          double z = 0;
          for (int k = 0; k < v; k++) {
            z += Math.exp(logits.data[off + k] - max);
          }
          double logZ = max + Math.log(z);
          Set<Long> banned = bannedNgramTokens(seq[r], len, settings.noRepeatNgramSize());
          for (int k = 0; k < v; k++) {
            if (banned.contains((long) k)) {
              continue;
            }
            double c = score[r] + logits.data[off + k] - logZ;
            if (have < want || c > cv[have - 1]) {
              int j = Math.min(have, want - 1);
              while (j > 0 && cv[j - 1] < c) {
                cv[j] = cv[j - 1];
                cb[j] = cb[j - 1];
                ck[j] = ck[j - 1];
                j--;
              }
              cv[j] = c;
              cb[j] = b;
              ck[j] = k;
              have = Math.min(want, have + 1);
            }
          }
        }
        List<Hypothesis> fin = done.get(i);
        int kept = 0;
        for (int j = 0; j < have && kept < beams; j++) {
          int parent = i * beams + cb[j];
          if (ck[j] == EOS) {
            if (j >= beams) {
              continue;
            }
            long[] hyp = Arrays.copyOf(seq[parent], len + 1);
            hyp[len] = EOS;
            addHypothesis(fin, new Hypothesis(hyp, cv[j] / len, true), beams);
            continue;
          }
          int r = i * beams + kept;
          nextSeq[r] = seq[parent].clone();
          nextSeq[r][len] = ck[j];
          nextEmb[r] = emb[parent].clone();
          nextScore[r] = cv[j];
          newTokens[r] = ck[j];
          kept++;
        }
        for (; kept < beams; kept++) {
          int r = i * beams + kept;
          nextSeq[r] = seq[i * beams].clone();
          nextEmb[r] = emb[i * beams].clone();
          nextScore[r] = Double.NEGATIVE_INFINITY;
          newTokens[r] = PAD;
        }
        double bestRunning = nextScore[i * beams];
        if (fin.size() >= beams
            && (bestRunning == Double.NEGATIVE_INFINITY
                || fin.get(fin.size() - 1).score() >= bestRunning / len)) {
          imageDone[i] = true;
        }
      }
      seq = nextSeq;
      emb = nextEmb;
      score = nextScore;
      len++;
      boolean all = true;
      for (boolean d : imageDone) {
        all &= d;
      }
      if (all || len == maxLen) {
        break;
      }
      Out e = embed(newTokens, rows, 1, h);
      for (int r = 0; r < rows; r++) {
        System.arraycopy(e.data, r * h, emb[r], (len - 1) * h, h);
      }
    }
    List<String> texts = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      List<Hypothesis> fin = done.get(i);
      if (!imageDone[i]) {
        for (int b = 0; b < beams; b++) {
          int r = i * beams + b;
          if (score[r] != Double.NEGATIVE_INFINITY) {
            addHypothesis(
                fin,
                new Hypothesis(Arrays.copyOf(seq[r], len), score[r] / (len - 1), false),
                beams);
          }
        }
      }
      Hypothesis best = fin.get(0);
      if (!best.ended()) {
        counts.merge(COUNTER_PREFIX + TRUNCATED, 1L, Long::sum);
      }
      texts.add(
          tokenizer.decode(Arrays.copyOfRange(best.tokens(), 1, best.tokens().length), false));
    }
    return texts;
  }

  /** Adds a hypothesis keeping the best {@code beams}, best first. */
  private static void addHypothesis(List<Hypothesis> fin, Hypothesis hyp, int beams) {
    fin.add(hyp);
    fin.sort((a, b) -> Double.compare(b.score(), a.score()));
    while (fin.size() > beams) {
      fin.remove(fin.size() - 1);
    }
  }

  /** Every step runs the decoder over the whole prefix; returns the final length. */
  private int decodeUncached(
      long[][] seq,
      boolean[] done,
      int[] ended,
      Out e0,
      Out enc,
      long[] mask,
      int n,
      int s,
      int h,
      int maxLen)
      throws TranslateException {
    float[][] seqEmb = new float[n][maxLen * h];
    for (int i = 0; i < n; i++) {
      System.arraycopy(e0.data, i * 2 * h, seqEmb[i], 0, 2 * h);
    }
    int len = 2;
    while (true) {
      float[] decIn = new float[n * len * h];
      for (int i = 0; i < n; i++) {
        System.arraycopy(seqEmb[i], 0, decIn, i * len * h, len * h);
      }
      Out logits =
          decoderLease.predict(
              decoder,
              List.of(
                  new In("encoder_attention_mask", mask, new long[] {n, s}),
                  new In("encoder_hidden_states", enc.data, new long[] {n, s, h}),
                  new In("inputs_embeds", decIn, new long[] {n, len, h})));
      expectRank(logits, 3, n, "logits");
      if (logits.shape[1] != len) {
        throw new IllegalStateException(
            "florence2_decoder returned logits "
                + Arrays.toString(logits.shape)
                + " for "
                + len
                + " positions; the role needs decoder_model.onnx (no KV cache)");
      }
      long[] next = pick(seq, len, done, ended, logits, len - 1);
      len++;
      if (allDone(done) || len == maxLen) {
        return len;
      }
      Out e = embed(next, n, 1, h);
      for (int i = 0; i < n; i++) {
        System.arraycopy(e.data, i * h, seqEmb[i], (len - 1) * h, h);
      }
    }
  }

  /**
   * The first step runs the no-past decoder over {@code </s><s>} and keeps its {@code present.*};
   * every later step feeds the with-past decoder the new token and the cache. The cache stays in
   * ONNX Runtime tensors (never copied to Java): the cross-attention part from the first step for
   * the whole decode, the self-attention part replaced (and the old one freed) each step. Returns
   * the final length.
   */
  private int decodeCached(
      long[][] seq,
      boolean[] done,
      int[] ended,
      Out e0,
      Out enc,
      long[] mask,
      int n,
      int s,
      int h,
      int maxLen)
      throws TranslateException {
    try (NDManager keep =
        NDManager.newBaseManager(ai.djl.engine.Engine.getEngine("OnnxRuntime").getEngineName())) {
      StepOut r =
          decoderLease.predict(
              decoderWithCache,
              new Step(
                  List.of(
                      new In("encoder_attention_mask", mask, new long[] {n, s}),
                      new In("encoder_hidden_states", enc.data, new long[] {n, s, h}),
                      new In("inputs_embeds", e0.data, new long[] {n, 2, h})),
                  keep));
      int len = 2;
      Map<String, NDArray> past = new java.util.LinkedHashMap<>();
      for (int i = 0; i < cache.layers(); i++) {
        for (String part : KvCacheLayout.PARTS) {
          NDArray p = r.cache().get(KvCacheLayout.present(i, part));
          expectCache(
              p,
              n,
              part.startsWith("decoder") ? len : s,
              "florence2_decoder",
              KvCacheLayout.present(i, part));
          past.put(KvCacheLayout.past(i, part), p);
        }
      }
      Out logits = r.logits();
      expectRank(logits, 3, n, "logits");
      if (logits.shape[1] != len) {
        throw new IllegalStateException(
            "florence2_decoder returned logits "
                + Arrays.toString(logits.shape)
                + " for "
                + len
                + " positions");
      }
      int pos = len - 1;
      NDArray encStates = null; // made once, if the with-past decoder takes it
      while (true) {
        long[] next = pick(seq, len, done, ended, logits, pos);
        len++;
        if (allDone(done) || len == maxLen) {
          return len;
        }
        Out e = embed(next, n, 1, h);
        List<In> in = new ArrayList<>();
        in.add(new In("encoder_attention_mask", mask, new long[] {n, s}));
        if (withPastTakesEncoderStates) {
          if (encStates == null) {
            encStates = keep.create(enc.data, new Shape(n, s, h));
          }
          in.add(new In("encoder_hidden_states", encStates, null));
        }
        in.add(new In("inputs_embeds", e.data, new long[] {n, 1, h}));
        past.forEach((name, p) -> in.add(new In(name, p, null)));
        r = withPastLease.predict(withPast, new Step(in, keep));
        logits = r.logits();
        expectRank(logits, 3, n, "logits");
        if (logits.shape[1] != 1) {
          throw new IllegalStateException(
              "florence2_decoder_with_past returned logits "
                  + Arrays.toString(logits.shape)
                  + " for one new position");
        }
        for (int i = 0; i < cache.layers(); i++) {
          for (String part : KvCacheLayout.PARTS.subList(0, 2)) {
            NDArray p = r.cache().get(KvCacheLayout.present(i, part));
            expectCache(p, n, len, "florence2_decoder_with_past", KvCacheLayout.present(i, part));
            past.put(KvCacheLayout.past(i, part), p).close();
          }
        }
        pos = 0; // the one new position, sequence index len - 1
      }
    }
  }

  /**
   * Picks each unfinished row's next token from its logits at position {@code pos}: the arg-max not
   * banned by the n-gram rule; marks rows that produced {@code </s>}; finished rows get {@code
   * <pad>}. Appends the tokens at {@code seq[i][len]} and returns them.
   */
  private long[] pick(long[][] seq, int len, boolean[] done, int[] ended, Out logits, int pos) {
    int n = seq.length;
    int t = (int) logits.shape[1];
    int v = (int) logits.shape[2];
    long[] next = new long[n];
    for (int i = 0; i < n; i++) {
      if (done[i]) {
        next[i] = PAD;
        continue;
      }
      Set<Long> banned = bannedNgramTokens(seq[i], len, settings.noRepeatNgramSize());
      int off = (i * t + pos) * v;
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
        throw new IllegalStateException(
            "no_repeat_ngram_size "
                + settings.noRepeatNgramSize()
                + " bans every token of the vocabulary ("
                + v
                + ")");
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
    return next;
  }

  private static boolean allDone(boolean[] done) {
    for (boolean d : done) {
      if (!d) {
        return false;
      }
    }
    return true;
  }

  /** A cache tensor must be [n, heads, length, head size] with this layout's fixed sizes. */
  private void expectCache(NDArray p, int n, int length, String role, String name) {
    if (p == null) {
      throw new IllegalStateException(role + " returned no " + name);
    }
    long[] sh = p.getShape().getShape();
    if (sh.length != 4
        || sh[0] != n
        || sh[2] != length
        || (cache.heads() >= 0 && sh[1] != cache.heads())
        || (cache.headDim() >= 0 && sh[3] != cache.headDim())) {
      throw new IllegalStateException(
          role
              + " returned "
              + name
              + " "
              + Arrays.toString(sh)
              + ", expected ["
              + n
              + ","
              + (cache.heads() >= 0 ? cache.heads() : "heads")
              + ","
              + length
              + ","
              + (cache.headDim() >= 0 ? cache.headDim() : "head_size")
              + "]");
    }
  }

  private Out embed(long[] ids, int n, int t, int h) throws TranslateException {
    Out e = embedLease.predict(embed, List.of(new In("input_ids", ids, new long[] {n, t})));
    expectRank(e, 3, n, "inputs_embeds");
    if (e.shape[1] != t || e.shape[2] != h) {
      throw new IllegalStateException(
          "florence2_embed_tokens returned inputs_embeds "
              + Arrays.toString(e.shape)
              + " for input_ids ["
              + n
              + ","
              + t
              + "]; expected hidden size "
              + h
              + " (the vision encoder's)");
    }
    return e;
  }

  private static void expectRank(Out o, int rank, int n, String name) {
    if (o.shape.length != rank || o.shape[0] != n) {
      throw new IllegalStateException(
          name
              + " has shape "
              + Arrays.toString(o.shape)
              + ", expected rank "
              + rank
              + " with batch "
              + n);
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
    if (decoder != null) {
      decoder.close();
    }
    if (withPast != null) {
      decoderWithCache.close();
      withPast.close();
    }
    tokenizer.close();
    visionLease.close();
    embedLease.close();
    encoderLease.close();
    decoderLease.close();
    if (withPastLease != null) {
      withPastLease.close();
    }
  }

  /**
   * The inputs as named arrays; arrays kept from earlier calls go last, since DJL's ONNX Runtime
   * block attaches the outputs to the first input's manager, which must be this call's.
   */
  private static NDList toNd(TranslatorContext ctx, List<In> inputs) {
    NDManager m = ctx.getNDManager();
    NDList list = new NDList();
    for (In in : inputs) {
      if (in.data() instanceof NDArray) {
        continue;
      }
      NDArray a =
          in.data() instanceof float[] f
              ? m.create(f, new Shape(in.shape()))
              : m.create((long[]) in.data(), new Shape(in.shape()));
      a.setName(in.name());
      list.add(a);
    }
    if (list.isEmpty()) {
      throw new IllegalArgumentException("a model call needs at least one new input");
    }
    for (In in : inputs) {
      if (in.data() instanceof NDArray kept) {
        kept.setName(in.name());
        list.add(kept);
      }
    }
    return list;
  }

  /**
   * Feeds a {@link Step} and returns the logits as floats and the named cache outputs as arrays
   * moved to the step's manager (they outlive the call).
   */
  private static final class RunCached implements NoBatchifyTranslator<Step, StepOut> {
    private final List<String> cacheOutputs;

    RunCached(List<String> outputs) {
      this.cacheOutputs = outputs.stream().filter(o -> !o.equals("logits")).toList();
    }

    @Override
    public NDList processInput(TranslatorContext ctx, Step step) {
      ctx.setAttachment("keep", step.keep());
      return toNd(ctx, step.inputs());
    }

    @Override
    public StepOut processOutput(TranslatorContext ctx, NDList list) {
      NDManager keep = (NDManager) ctx.getAttachment("keep");
      NDArray logits = Outputs.named(list, "logits");
      Map<String, NDArray> cache = new java.util.HashMap<>();
      for (String name : cacheOutputs) {
        NDArray a = Outputs.named(list, name);
        a.attach(keep);
        cache.put(name, a);
      }
      return new StepOut(new Out(logits.toFloatArray(), logits.getShape().getShape()), cache);
    }
  }

  /** Feeds named tensors and reads one float output. */
  private static final class Run implements NoBatchifyTranslator<List<In>, Out> {
    private final String output;

    Run(String output) {
      this.output = output;
    }

    @Override
    public NDList processInput(TranslatorContext ctx, List<In> inputs) {
      return toNd(ctx, inputs);
    }

    @Override
    public Out processOutput(TranslatorContext ctx, NDList list) {
      NDArray a = Outputs.named(list, output);
      return new Out(a.toFloatArray(), a.getShape().getShape());
    }
  }
}
