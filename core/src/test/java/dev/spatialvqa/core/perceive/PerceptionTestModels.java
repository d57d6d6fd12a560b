package dev.spatialvqa.core.perceive;

import dev.spatialvqa.core.models.ModelConfig;
import dev.spatialvqa.core.models.ModelResolver;
import dev.spatialvqa.core.models.OnnxGraph;
import dev.spatialvqa.core.models.TestModels;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/**
 * A full set of tiny models with the real exports' contracts, and the config JSON naming them: CLIP
 * vision embeds the per-channel means (dims 0-2); CLIP text embeds by token count n as (10 - n, 0,
 * n - 5), so the short include prompt "room" points at red images and the longer exclude prompt at
 * blue ones; depth = the red channel / 255 metres, and fails (Reshape error) for any batch holding
 * a pure-red pixel (the poison); OWLv2 and SAM as in RegionsAndMasksTest.
 */
public final class PerceptionTestModels {
  private PerceptionTestModels() {}

  public static String configJson(Path dir) throws Exception {
    return configJson(dir, true);
  }

  /** With {@code poison} false the depth graph never fails (real photos may hold pure red). */
  public static String configJson(Path dir, boolean poison) throws Exception {
    Path tok =
        TestModels.copyResource(
            "/all-minilm-l6-v2-q-tokenizer.json", dir.resolve("tokenizer.json"));
    StringBuilder sb =
        new StringBuilder("{\"cache_dir\": \"" + dir.resolve("cache") + "\", \"models\": {");
    sb.append(entry("clip_vision", clipVision(dir), null)).append(',');
    sb.append(entry("clip_text", clipText(dir), tok)).append(',');
    sb.append(entry("depth", poisonableDepth(dir, poison ? 0.99f : 2f), null)).append(',');
    sb.append(entry("detector", RegionsAndMasksTest.owlv2Graph(dir), tok)).append(',');
    sb.append(entry("sam_encoder", RegionsAndMasksTest.samEncoderGraph(dir), null)).append(',');
    sb.append(entry("sam_decoder", RegionsAndMasksTest.samDecoderGraph(dir), null));
    sb.append(
        "}, \"scene_filter\": {\"include\": [\"room\"], \"exclude\": [\"a product photo on white\"], \"threshold\": 0.5},");
    sb.append(" \"detector\": {\"vocabulary\": [\"chair\", \"table\"], \"score_threshold\": 0.2}}");
    return sb.toString();
  }

  /**
   * Depth (no poison), the Florence-2 stand-ins of {@link Florence2TestModels} as region proposer
   * ({@code regions.kind} florence2 with {@code max_new_tokens}) and the SAM pair; no CLIP.
   */
  public static String florence2ConfigJson(Path dir, int maxNewTokens) throws Exception {
    return florence2ConfigJson(dir, maxNewTokens, false);
  }

  /**
   * As {@link #florence2ConfigJson(Path, int)}; {@code kvCache} configures the decoder pair with a
   * KV cache ({@code florence2_decoder} returning the cache + {@code florence2_decoder_with_past},
   * the variant that also takes {@code encoder_hidden_states}).
   */
  public static String florence2ConfigJson(Path dir, int maxNewTokens, boolean kvCache)
      throws Exception {
    Path tok = Florence2TestModels.tokenizer(dir);
    StringBuilder sb =
        new StringBuilder("{\"cache_dir\": \"" + dir.resolve("cache") + "\", \"models\": {");
    sb.append(entry("depth", poisonableDepth(dir, 2f), null)).append(',');
    sb.append(entry("florence2_vision_encoder", Florence2TestModels.visionEncoder(dir), null))
        .append(',');
    sb.append(entry("florence2_embed_tokens", Florence2TestModels.embedTokens(dir), tok))
        .append(',');
    sb.append(entry("florence2_encoder", Florence2TestModels.encoder(dir), null)).append(',');
    if (kvCache) {
      sb.append(entry("florence2_decoder", Florence2TestModels.decoderWithPresents(dir), null))
          .append(',');
      Path withPast =
          Florence2TestModels.decoderWithPast(dir, false, true, Florence2TestModels.SCRIPT);
      sb.append(entry("florence2_decoder_with_past", withPast, null)).append(',');
    } else {
      sb.append(entry("florence2_decoder", Florence2TestModels.decoder(dir, false), null))
          .append(',');
    }
    sb.append(entry("sam_encoder", RegionsAndMasksTest.samEncoderGraph(dir), null)).append(',');
    sb.append(entry("sam_decoder", RegionsAndMasksTest.samDecoderGraph(dir), null));
    sb.append("}, \"regions\": {\"kind\": \"florence2\", \"max_new_tokens\": ")
        .append(maxNewTokens)
        .append("}}");
    return sb.toString();
  }

  public static ModelConfig config(Path dir) throws Exception {
    return ModelConfig.parse(configJson(dir), "test");
  }

  public static ModelConfig config(Path dir, boolean poison) throws Exception {
    return ModelConfig.parse(configJson(dir, poison), "test");
  }

  private static String entry(String role, Path file, Path tok) {
    String e =
        "\""
            + role
            + "\": {\"name\": \""
            + role
            + "-tiny\", \"uri\": \""
            + file
            + "\", \"sha256\": \""
            + ModelResolver.sha256(file)
            + "\"";
    if (role.equals("depth")) {
      e += ", \"depth_kind\": \"metric\", \"max_depth\": 20";
    }
    if (tok != null) {
      e +=
          ", \"tokenizer\": {\"uri\": \""
              + tok
              + "\", \"sha256\": \""
              + ModelResolver.sha256(tok)
              + "\"}";
    }
    return e + "}";
  }

  public static Path clipVision(Path dir) throws IOException {
    float[] w = new float[3 * 512];
    for (int c = 0; c < 3; c++) {
      w[c * 512 + c] = 1f;
    }
    return OnnxGraph.create()
        .input("pixel_values", OnnxGraph.FLOAT, -1, 3, 224, 224)
        .floats("w", w, 3, 512)
        .node("ReduceMean", "pixel_values", "m", "axes", new long[] {2, 3}, "keepdims", 0L)
        .node("MatMul", new String[] {"m", "w"}, new String[] {"image_embeds"})
        .output("image_embeds", OnnxGraph.FLOAT, -1, 512)
        .write(dir.resolve("clip_vision.onnx"));
  }

  public static Path clipText(Path dir) throws IOException {
    float[] w = new float[2 * 512];
    w[0] = -1f;
    w[2] = 1f;
    w[512] = 10f;
    w[512 + 2] = -5f;
    return OnnxGraph.create()
        .input("input_ids", OnnxGraph.INT64, -1, -1)
        .input("attention_mask", OnnxGraph.INT64, -1, -1)
        .floats("w", w, 2, 512)
        .floats("zero", new float[] {0f})
        .floats("one", new float[] {1f})
        .longs("ax", new long[] {1}, 1)
        .node("Cast", "attention_mask", "mf", "to", (long) OnnxGraph.FLOAT)
        .node("ReduceSum", new String[] {"mf", "ax"}, new String[] {"n"}, "keepdims", 1L)
        .node("Mul", new String[] {"n", "zero"}, new String[] {"n0"})
        .node("Add", new String[] {"n0", "one"}, new String[] {"ones"})
        .node("Concat", new String[] {"n", "ones"}, new String[] {"n1"}, "axis", 1L)
        .node("MatMul", new String[] {"n1", "w"}, new String[] {"text_embeds"})
        .output("text_embeds", OnnxGraph.FLOAT, -1, 512)
        .write(dir.resolve("clip_text.onnx"));
  }

  public static Path poisonableDepth(Path dir, float limit) throws IOException {
    return OnnxGraph.create()
        .input("pixel_values", OnnxGraph.FLOAT, -1, 3, 518, 518)
        .longs("starts", new long[] {0}, 1)
        .longs("ends", new long[] {1}, 1)
        .longs("axes", new long[] {1}, 1)
        .floats("std", new float[] {Preprocess.IMAGENET_STD[0]})
        .floats("mean", new float[] {Preprocess.IMAGENET_MEAN[0]})
        .floats("limit", new float[] {limit})
        .longs("head", new long[] {-1}, 1)
        .longs("side", new long[] {518}, 1)
        .node("Slice", new String[] {"pixel_values", "starts", "ends", "axes"}, new String[] {"r"})
        .node("Squeeze", new String[] {"r", "axes"}, new String[] {"rs"})
        .node("Mul", new String[] {"rs", "std"}, new String[] {"rm"})
        .node("Add", new String[] {"rm", "mean"}, new String[] {"d"})
        .node("ReduceMax", "d", "dmax", "keepdims", 0L)
        .node("Greater", new String[] {"dmax", "limit"}, new String[] {"poison"})
        .node("Cast", "poison", "k", "to", (long) OnnxGraph.INT64)
        .node("Reshape", new String[] {"k", "ends"}, new String[] {"k1"})
        .node("Sub", new String[] {"side", "k1"}, new String[] {"rows"})
        .node("Concat", new String[] {"head", "rows", "side"}, new String[] {"shape"}, "axis", 0L)
        .node("Reshape", new String[] {"d", "shape"}, new String[] {"predicted_depth"})
        .output("predicted_depth", OnnxGraph.FLOAT, -1, 518, 518)
        .write(dir.resolve("depth.onnx"));
  }

  public static byte[] png(int w, int h, int rgb) throws IOException {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        img.setRGB(x, y, rgb);
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(img, "png", out);
    return out.toByteArray();
  }

  public static Path write(Path dir, String name, String text) throws IOException {
    return Files.writeString(dir.resolve(name), text);
  }
}
