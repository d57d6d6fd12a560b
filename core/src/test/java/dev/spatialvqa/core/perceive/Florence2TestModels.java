package dev.spatialvqa.core.perceive;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spatialvqa.core.models.ModelConfig.RegionsSettings;
import dev.spatialvqa.core.models.ModelPool;
import dev.spatialvqa.core.models.ModelResolver;
import dev.spatialvqa.core.models.ModelRole;
import dev.spatialvqa.core.models.OnnxGraph;
import dev.spatialvqa.core.models.TestModels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Tiny Florence-2 stand-ins with the onnx-community export's names and dtypes, and a tokenizer.json
 * built like Florence-2's (byte-level BART pieces, {@code <s>} 0, {@code <pad>} 1, {@code </s>} 2,
 * RobertaProcessing, the 1000 {@code <loc_N>} special tokens) over a small word vocabulary.
 *
 * <p>The decoder reads no weights: it emits a scripted token sequence. Its logits at position
 * {@code p} (the prediction of token {@code p + 1}) are row {@code p} of script {@code c}, where
 * {@code c} = 1 when the first encoder hidden value is positive (the vision stand-in copies the
 * normalised mean red of the image there, and the encoder passes it through times the attention
 * mask), else 0: red images follow {@link #RED_SCRIPT}, others {@link #OTHER_SCRIPT}. Each scripted
 * token gets logit 10; a token paired with a runner-up gets 5 for the runner-up.
 *
 * <p>The KV-cache pair ({@link #decoderWithPresents}, {@link #decoderWithPast}) has the real
 * export's cache names and layout ({@link #LAYERS} layers, {@link #HEADS} heads of {@link
 * #HEAD_DIM}), with caches that are equivalent to the full prefix only when fed back right: every
 * self-attention cache entry of part {@code i} (layer 0 key, layer 0 value, layer 1 key, layer 1
 * value) is the marker {@code i + 1} per token, every cross-attention entry is the encoder state
 * plus the offset {@code 1000 i}. The with-past decoder reads the prefix length from layer 0's key
 * cache (its sum over the past plus the new token), and gives all-zero logits unless every part
 * holds its own marker that many times; it reads the red/other choice from the cross-attention
 * cache ({@code sum_i 10^i (cache_i - 1000 i)}, whose sign flips when the parts are permuted). Its
 * logits for the new token are then the script row at that length, exactly what the no-past decoder
 * gives at the same position.
 */
public final class Florence2TestModels {
  public static final int HIDDEN = 4;
  public static final int PATCHES = 3;
  public static final int ROWS = 64;
  public static final int LAYERS = 2;
  public static final int HEADS = 2;
  public static final int HEAD_DIM = 2;
  static final String[] PARTS = {"decoder.key", "decoder.value", "encoder.key", "encoder.value"};

  public static final List<String> WORDS =
      List.of(
          "<s>",
          "<pad>",
          "</s>",
          "<unk>",
          "red",
          "\u0120chair",
          "\u0120table",
          "wooden",
          "lamp",
          "Locate",
          "\u0120the",
          "\u0120objects",
          "\u0120in",
          "\u0120image",
          ",",
          "\u0120with",
          "\u0120their",
          "\u0120descriptions",
          ".",
          "\u0120category",
          "\u0120name");
  public static final int LOC0 = WORDS.size();
  public static final int VOCAB = LOC0 + 1000;

  /** Token ids of the dense-region-caption prompt, {@code <s>} and {@code </s>} included. */
  public static final long[] DENSE_PROMPT = {0, 9, 10, 11, 12, 10, 13, 14, 15, 16, 17, 18, 2};

  /**
   * Script for red images from sequence index 1 on: index 1 would be "lamp" were {@code <s>} not
   * forced; then "red chair" box, "wooden table" box, "red chair" again whose first loc (100) would
   * repeat the trigram "red chair loc_100" and so yields to the runner-up 300, {@code </s>}.
   */
  public static final int[][] RED_SCRIPT = {
    {8},
    {4},
    {5},
    {loc(100)},
    {loc(200)},
    {loc(499)},
    {loc(999)},
    {7},
    {6},
    {loc(0)},
    {loc(500)},
    {loc(250)},
    {loc(750)},
    {4},
    {5},
    {loc(100), loc(300)},
    {loc(400)},
    {loc(600)},
    {loc(700)},
    {2}
  };

  /** Script for other images: "lamp" box then {@code </s>}. */
  public static final int[][] OTHER_SCRIPT = {
    {4}, {8}, {loc(10)}, {loc(20)}, {loc(30)}, {loc(40)}, {2}
  };

  /**
   * What the scripted decoders emit: row {@code r} of {@code red} / {@code other} at position
   * {@code r} ({@code </s>} past the end), over {@code rows} positions.
   */
  public record Script(int rows, int[][] red, int[][] other) {}

  /** {@link #RED_SCRIPT} and {@link #OTHER_SCRIPT} over {@link #ROWS} positions. */
  public static final Script SCRIPT = new Script(ROWS, RED_SCRIPT, OTHER_SCRIPT);

  private Florence2TestModels() {}

  public static int loc(int bin) {
    return LOC0 + bin;
  }

  public static Path tokenizer(Path dir) throws IOException {
    ObjectMapper om = new ObjectMapper();
    ObjectNode root = om.createObjectNode();
    root.put("version", "1.0");
    root.putNull("truncation");
    root.putNull("padding");
    ArrayNode added = root.putArray("added_tokens");
    Map<String, Integer> vocab = new LinkedHashMap<>();
    for (int i = 0; i < WORDS.size(); i++) {
      vocab.put(WORDS.get(i), i);
    }
    for (int b = 0; b < 1000; b++) {
      vocab.put("<loc_" + b + ">", loc(b));
    }
    List<String> specials = new ArrayList<>(List.of("<s>", "<pad>", "</s>", "<unk>"));
    for (int b = 0; b < 1000; b++) {
      specials.add("<loc_" + b + ">");
    }
    for (String s : specials) {
      ObjectNode t = added.addObject();
      t.put("id", vocab.get(s));
      t.put("content", s);
      t.put("single_word", false);
      t.put("lstrip", false);
      t.put("rstrip", false);
      t.put("normalized", false);
      t.put("special", true);
    }
    root.putNull("normalizer");
    ObjectNode pre = root.putObject("pre_tokenizer");
    pre.put("type", "ByteLevel");
    pre.put("add_prefix_space", false);
    pre.put("trim_offsets", true);
    pre.put("use_regex", true);
    ObjectNode post = root.putObject("post_processor");
    post.put("type", "RobertaProcessing");
    post.putArray("sep").add("</s>").add(2);
    post.putArray("cls").add("<s>").add(0);
    post.put("trim_offsets", true);
    post.put("add_prefix_space", false);
    ObjectNode dec = root.putObject("decoder");
    dec.put("type", "ByteLevel");
    dec.put("add_prefix_space", true);
    dec.put("trim_offsets", true);
    dec.put("use_regex", true);
    ObjectNode model = root.putObject("model");
    model.put("type", "WordLevel");
    ObjectNode v = model.putObject("vocab");
    vocab.forEach(v::put);
    model.put("unk_token", "<unk>");
    Path file = dir.resolve("florence2-tokenizer.json");
    Files.createDirectories(dir);
    Files.writeString(file, om.writeValueAsString(root));
    return file;
  }

  /** image_features[n, p, h] = mean of the normalised red channel. */
  public static Path visionEncoder(Path dir) throws IOException {
    float[] w = new float[3 * PATCHES * HIDDEN];
    for (int k = 0; k < PATCHES * HIDDEN; k++) {
      w[k] = 1f;
    }
    return OnnxGraph.create()
        .input("pixel_values", OnnxGraph.FLOAT, -1, 3, 768, 768)
        .floats("w", w, 3, PATCHES * HIDDEN)
        .longs("shape", new long[] {0, PATCHES, HIDDEN}, 3)
        .node("ReduceMean", "pixel_values", "m", "axes", new long[] {2, 3}, "keepdims", 0L)
        .node("MatMul", new String[] {"m", "w"}, new String[] {"f"})
        .node("Reshape", new String[] {"f", "shape"}, new String[] {"image_features"})
        .output("image_features", OnnxGraph.FLOAT, -1, PATCHES, HIDDEN)
        .write(dir.resolve("florence2_vision_encoder.onnx"));
  }

  /** A real embedding table: token id k embeds as (k, k, k, k) / 1000. */
  public static Path embedTokens(Path dir) throws IOException {
    float[] e = new float[VOCAB * HIDDEN];
    for (int k = 0; k < VOCAB; k++) {
      for (int j = 0; j < HIDDEN; j++) {
        e[k * HIDDEN + j] = k / 1000f;
      }
    }
    return OnnxGraph.create()
        .input("input_ids", OnnxGraph.INT64, -1, -1)
        .floats("E", e, VOCAB, HIDDEN)
        .node("Gather", new String[] {"E", "input_ids"}, new String[] {"inputs_embeds"}, "axis", 0L)
        .output("inputs_embeds", OnnxGraph.FLOAT, -1, -1, HIDDEN)
        .write(dir.resolve("florence2_embed_tokens.onnx"));
  }

  /** last_hidden_state = inputs_embeds * attention_mask. */
  public static Path encoder(Path dir) throws IOException {
    return OnnxGraph.create()
        .input("inputs_embeds", OnnxGraph.FLOAT, -1, -1, -1)
        .input("attention_mask", OnnxGraph.INT64, -1, -1)
        .longs("ax", new long[] {2}, 1)
        .node("Cast", "attention_mask", "mf", "to", (long) OnnxGraph.FLOAT)
        .node("Unsqueeze", new String[] {"mf", "ax"}, new String[] {"m3"})
        .node("Mul", new String[] {"inputs_embeds", "m3"}, new String[] {"last_hidden_state"})
        .output("last_hidden_state", OnnxGraph.FLOAT, -1, -1, -1)
        .write(dir.resolve("florence2_encoder.onnx"));
  }

  /**
   * The scripted decoder (see the class comment); {@code withPast} adds a merged export's inputs.
   */
  public static Path decoder(Path dir, boolean withPast) throws IOException {
    OnnxGraph g =
        OnnxGraph.create()
            .input("encoder_attention_mask", OnnxGraph.INT64, -1, -1)
            .input("encoder_hidden_states", OnnxGraph.FLOAT, -1, -1, -1)
            .input("inputs_embeds", OnnxGraph.FLOAT, -1, -1, -1);
    if (withPast) {
      g.input("use_cache_branch", OnnxGraph.BOOL, 1)
          .input("past_key_values.0.decoder.key", OnnxGraph.FLOAT, -1, 12, -1, 64);
    }
    return scripted(g, SCRIPT)
        .write(dir.resolve(withPast ? "florence2_decoder_merged.onnx" : "florence2_decoder.onnx"));
  }

  /**
   * The scripted no-past decoder that also returns the KV cache, as the export's {@code
   * decoder_model.onnx} does: {@code present.i.decoder.*} [N,2,T,2] and {@code present.i.encoder.*}
   * [N,2,S,2] for {@link #LAYERS} layers.
   */
  public static Path decoderWithPresents(Path dir) throws IOException {
    return decoderWithPresents(dir, SCRIPT);
  }

  /** As {@link #decoderWithPresents(Path)} with another script. */
  public static Path decoderWithPresents(Path dir, Script script) throws IOException {
    OnnxGraph g =
        OnnxGraph.create()
            .input("encoder_attention_mask", OnnxGraph.INT64, -1, -1)
            .input("encoder_hidden_states", OnnxGraph.FLOAT, -1, -1, -1)
            .input("inputs_embeds", OnnxGraph.FLOAT, -1, -1, -1);
    scripted(g, script)
        .longs("heads_shape", new long[] {0, 0, HEADS, HEAD_DIM}, 4)
        .floats("zero_k", new float[] {0f});
    for (int l = 0; l < LAYERS; l++) {
      for (int k = 0; k < 4; k++) {
        int part = l * 2 + (k % 2);
        String name = "present." + l + "." + PARTS[k];
        String src;
        if (k < 2) {
          g.floats("m" + name, new float[] {part + 1f})
              .node("Mul", new String[] {"inputs_embeds", "zero_k"}, new String[] {"z" + name})
              .node("Add", new String[] {"z" + name, "m" + name}, new String[] {"v" + name});
        } else {
          g.floats("o" + name, new float[] {1000f * part})
              .node(
                  "Add",
                  new String[] {"encoder_hidden_states", "o" + name},
                  new String[] {"v" + name});
        }
        g.node("Reshape", new String[] {"v" + name, "heads_shape"}, new String[] {"r" + name})
            .node("Transpose", "r" + name, name, "perm", new long[] {0, 2, 1, 3})
            .output(name, OnnxGraph.FLOAT, -1, HEADS, -1, HEAD_DIM);
      }
    }
    return g.write(dir.resolve("florence2_decoder_presents.onnx"));
  }

  /**
   * The with-past decoder matching {@link #decoderWithPresents} (see the class comment): inputs
   * {@code encoder_attention_mask}, {@code inputs_embeds} [N,1,4] and {@code past_key_values.*} (no
   * {@code encoder_hidden_states}: the cross-attention cache carries the encoder); outputs {@code
   * logits} [N,1,V] and {@code present.i.decoder.*}. {@code dropLayer1EncoderValue} leaves out one
   * cache input (a broken export).
   */
  public static Path decoderWithPast(Path dir, boolean dropLayer1EncoderValue) throws IOException {
    return decoderWithPast(dir, dropLayer1EncoderValue, false, SCRIPT);
  }

  /**
   * As {@link #decoderWithPast(Path, boolean)}; {@code encoderStates} also declares an {@code
   * encoder_hidden_states} [N,S,4] input (as some exports keep), which the logits then depend on
   * only through its shape being accepted.
   */
  public static Path decoderWithPast(
      Path dir, boolean dropLayer1EncoderValue, boolean encoderStates, Script script)
      throws IOException {
    OnnxGraph g =
        OnnxGraph.create()
            .input("encoder_attention_mask", OnnxGraph.INT64, -1, -1)
            .input("inputs_embeds", OnnxGraph.FLOAT, -1, -1, -1);
    if (encoderStates) {
      g.input("encoder_hidden_states", OnnxGraph.FLOAT, -1, -1, HIDDEN)
          .node("Identity", "encoder_hidden_states", "unused_states");
    }
    for (int l = 0; l < LAYERS; l++) {
      for (String part : PARTS) {
        if (!(dropLayer1EncoderValue && l == 1 && part.equals("encoder.value"))) {
          g.input("past_key_values." + l + "." + part, OnnxGraph.FLOAT, -1, HEADS, -1, HEAD_DIM);
        }
      }
    }
    float per = HEADS * HEAD_DIM;
    g.floats("table", table(script), 2 * script.rows(), VOCAB)
        .longs("heads_shape", new long[] {0, 0, HEADS, HEAD_DIM}, 4)
        .longs("axes123", new long[] {1, 2, 3}, 3)
        .longs("s0", new long[] {0, 0, 0}, 3)
        .longs("e1", new long[] {1, 1, 1}, 3)
        .longs("flat", new long[] {-1}, 1)
        .longs("ax1", new long[] {1}, 1)
        .longs("rows", new long[] {script.rows()})
        .longs("zero_l", new long[] {0})
        .longs("last_row", new long[] {script.rows() - 1})
        .floats("zero_f", new float[] {0f})
        .floats("one_f", new float[] {1f})
        .floats("half", new float[] {0.5f})
        .floats("per0", new float[] {per});
    String[] sums = new String[4];
    String[] devs = new String[4];
    String[] zs = new String[4];
    for (int l = 0; l < LAYERS; l++) {
      for (int k = 0; k < 2; k++) {
        int part = l * 2 + k;
        String present = "present." + l + "." + PARTS[k];
        String n = "n" + part;
        g.floats("m" + part, new float[] {part + 1f})
            .floats("pm" + part, new float[] {per * (part + 1)})
            .node("Mul", new String[] {"inputs_embeds", "zero_f"}, new String[] {n + "z"})
            .node("Add", new String[] {n + "z", "m" + part}, new String[] {n + "v"})
            .node("Reshape", new String[] {n + "v", "heads_shape"}, new String[] {n + "r"})
            .node("Transpose", n + "r", n + "t", "perm", new long[] {0, 2, 1, 3})
            .node(
                "Concat",
                new String[] {"past_key_values." + l + "." + PARTS[k], n + "t"},
                new String[] {present},
                "axis",
                2L)
            .node(
                "ReduceSum",
                new String[] {present, "axes123"},
                new String[] {"sum" + part},
                "keepdims",
                0L)
            .output(present, OnnxGraph.FLOAT, -1, HEADS, -1, HEAD_DIM);
        sums[part] = "sum" + part;
      }
    }
    g.node("Div", new String[] {"sum0", "per0"}, new String[] {"count"});
    for (int part = 0; part < 4; part++) {
      g.node("Mul", new String[] {"count", "pm" + part}, new String[] {"want" + part})
          .node("Sub", new String[] {sums[part], "want" + part}, new String[] {"d" + part})
          .node("Abs", "d" + part, "ad" + part);
      devs[part] = "ad" + part;
    }
    g.node("Sum", devs, new String[] {"dev"})
        .node("Less", new String[] {"dev", "half"}, new String[] {"okb"})
        .node("Cast", "okb", "ok", "to", (long) OnnxGraph.FLOAT)
        .node("Sub", new String[] {"count", "one_f"}, new String[] {"rowf"})
        .node("Cast", "rowf", "rowl", "to", (long) OnnxGraph.INT64)
        .node("Max", new String[] {"rowl", "zero_l"}, new String[] {"rowm"})
        .node("Min", new String[] {"rowm", "last_row"}, new String[] {"row"});
    for (int l = 0; l < LAYERS; l++) {
      for (int k = 2; k < 4; k++) {
        int part = l * 2 + (k - 2);
        String in = "past_key_values." + l + "." + PARTS[k];
        String z = "z" + part;
        if (dropLayer1EncoderValue && l == 1 && k == 3) {
          in = "past_key_values.1.encoder.key"; // keeps the graph valid; the contract check refuses
          // it first
        }
        g.floats("o" + part, new float[] {1000f * part})
            .floats("w" + part, new float[] {(float) Math.pow(10, part)})
            .node("Slice", new String[] {in, "s0", "e1", "axes123"}, new String[] {z + "s"})
            .node("Reshape", new String[] {z + "s", "flat"}, new String[] {z + "f"})
            .node("Sub", new String[] {z + "f", "o" + part}, new String[] {z + "c"})
            .node("Mul", new String[] {z + "c", "w" + part}, new String[] {z});
        zs[part] = z;
      }
    }
    return g.node("Sum", zs, new String[] {"zsum"})
        .node("Greater", new String[] {"zsum", "zero_f"}, new String[] {"red"})
        .node("Cast", "red", "c", "to", (long) OnnxGraph.INT64)
        .node("Mul", new String[] {"c", "rows"}, new String[] {"base"})
        .node("Add", new String[] {"base", "row"}, new String[] {"idx"})
        .node("Gather", new String[] {"table", "idx"}, new String[] {"lg"}, "axis", 0L)
        .node("Unsqueeze", new String[] {"ok", "ax1"}, new String[] {"ok2"})
        .node("Mul", new String[] {"lg", "ok2"}, new String[] {"lgo"})
        .node("Unsqueeze", new String[] {"lgo", "ax1"}, new String[] {"logits"})
        .output("logits", OnnxGraph.FLOAT, -1, -1, VOCAB)
        .write(
            dir.resolve(
                "florence2_decoder_with_past"
                    + (dropLayer1EncoderValue ? "_broken" : "")
                    + (encoderStates ? "_states" : "")
                    + ".onnx"));
  }

  /** The script rows: [2 * rows, VOCAB], other images' rows first. */
  static float[] table(Script script) {
    int rows = script.rows();
    float[] table = new float[2 * rows * VOCAB];
    int[][][] scripts = {script.other(), script.red()};
    for (int c = 0; c < 2; c++) {
      for (int r = 0; r < rows; r++) {
        int[] tok = r < scripts[c].length ? scripts[c][r] : new int[] {2};
        table[(c * rows + r) * VOCAB + tok[0]] = 10f;
        if (tok.length > 1) {
          table[(c * rows + r) * VOCAB + tok[1]] = 5f;
        }
      }
    }
    return table;
  }

  /**
   * Adds the scripted logits (row = position, red or other from the encoder) to a decoder graph.
   */
  private static OnnxGraph scripted(OnnxGraph g, Script script) {
    return g.floats("table", table(script), 2, script.rows(), VOCAB)
        .longs("one_idx", new long[] {1})
        .longs("zero_l", new long[] {0})
        .longs("one_l", new long[] {1})
        .longs("starts", new long[] {0, 0}, 2)
        .longs("ends", new long[] {1, 1}, 2)
        .longs("axes", new long[] {1, 2}, 2)
        .longs("flat", new long[] {-1}, 1)
        .floats("zero_f", new float[] {0f})
        .node("Shape", "inputs_embeds", "shape")
        .node("Gather", new String[] {"shape", "one_idx"}, new String[] {"t"}, "axis", 0L)
        .node("Range", new String[] {"zero_l", "t", "one_l"}, new String[] {"pos"})
        .node(
            "Slice",
            new String[] {"encoder_hidden_states", "starts", "ends", "axes"},
            new String[] {"h0"})
        .node("Reshape", new String[] {"h0", "flat"}, new String[] {"h0f"})
        .node("Greater", new String[] {"h0f", "zero_f"}, new String[] {"red"})
        .node("Cast", "red", "c", "to", (long) OnnxGraph.INT64)
        .node("Gather", new String[] {"table", "c"}, new String[] {"tab"}, "axis", 0L)
        .node("Gather", new String[] {"tab", "pos"}, new String[] {"logits"}, "axis", 1L)
        .output("logits", OnnxGraph.FLOAT, -1, -1, VOCAB);
  }

  /**
   * A captioner over the stand-in graphs in {@code dir}: the vision encoder, embeddings and encoder
   * made there, the given {@code decoder} and optional {@code withPast} (null: no KV cache).
   */
  public static Florence2Captioner captioner(
      ModelPool pool,
      ModelResolver resolver,
      Path dir,
      Path tok,
      Path decoder,
      Path withPast,
      RegionsSettings s)
      throws IOException {
    return new Florence2Captioner(
        pool.lease(
            TestModels.spec("f2-vision", ModelRole.FLORENCE2_VISION_ENCODER, visionEncoder(dir)),
            resolver),
        pool.lease(
            TestModels.spec("f2-embed", ModelRole.FLORENCE2_EMBED_TOKENS, embedTokens(dir), tok),
            resolver),
        pool.lease(
            TestModels.spec("f2-encoder", ModelRole.FLORENCE2_ENCODER, encoder(dir)), resolver),
        pool.lease(TestModels.spec("f2-decoder", ModelRole.FLORENCE2_DECODER, decoder), resolver),
        withPast == null
            ? null
            : pool.lease(
                TestModels.spec("f2-with-past", ModelRole.FLORENCE2_DECODER_WITH_PAST, withPast),
                resolver),
        s);
  }
}
