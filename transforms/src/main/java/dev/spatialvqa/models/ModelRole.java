package dev.spatialvqa.models;

import static dev.spatialvqa.models.TensorSpec.of;

import java.util.List;
import java.util.Locale;

/**
 * The models perception can use, each with the signature of the public ONNX export it supports.
 * Dimensions written {@code -1} are dynamic; a model whose axis is dynamic where we expect a fixed
 * size is accepted (its export simply did not fix it).
 */
public enum ModelRole {
  /** openai/clip-vit-base-patch32 vision tower with projection (optimum export). */
  CLIP_VISION(
      "clip_vision",
      false,
      ModelContract.of(
          List.of(of("pixel_values", "float32", -1, 3, 224, 224)),
          List.of(of("image_embeds", "float32", -1, 512)))),
  /** openai/clip-vit-base-patch32 text tower with projection, with its tokenizer.json. */
  CLIP_TEXT(
      "clip_text",
      true,
      ModelContract.of(
          List.of(of("input_ids", "int64", -1, -1), of("attention_mask", "int64", -1, -1)),
          List.of(of("text_embeds", "float32", -1, 512)))),
  /**
   * Depth Anything V2 Metric (indoor or outdoor): depth in metres; optional focal length. Height
   * and width are both fixed at 518 (inputs are squashed to 518x518) or both dynamic (inputs keep
   * their aspect, short side 518, sides multiples of 14); a half-fixed export is refused.
   */
  DEPTH(
      "depth",
      false,
      new ModelContract(
          List.of(of("pixel_values", "float32", -1, 3, 518, 518)),
          List.of(of("predicted_depth", "float32", -1, 518, 518)),
          List.of(of("focal_length_px", "float32", -1)),
          List.of(new ModelContract.AxisGroup("pixel_values", List.of(2, 3), "height and width")))),
  /** OWLv2 (google/owlv2-base-patch16-ensemble) open-vocabulary detector, with tokenizer.json. */
  DETECTOR(
      "detector",
      true,
      ModelContract.of(
          List.of(
              of("input_ids", "int64", -1, 16),
              of("pixel_values", "float32", -1, 3, 960, 960),
              of("attention_mask", "int64", -1, 16)),
          List.of(of("logits", "float32", -1, -1, -1), of("pred_boxes", "float32", -1, -1, 4)))),
  /** SAM / MobileSAM image encoder: normalised, padded 1024x1024 image to embeddings. */
  SAM_ENCODER(
      "sam_encoder",
      false,
      ModelContract.of(
          List.of(of("image", "float32", 1, 3, 1024, 1024)),
          List.of(of("image_embeddings", "float32", 1, 256, 64, 64)))),
  /** SAM / MobileSAM prompt decoder as exported by segment-anything's export_onnx_model.py. */
  SAM_DECODER(
      "sam_decoder",
      false,
      ModelContract.of(
          List.of(
              of("image_embeddings", "float32", 1, 256, 64, 64),
              of("point_coords", "float32", 1, -1, 2),
              of("point_labels", "float32", 1, -1),
              of("mask_input", "float32", 1, 1, 256, 256),
              of("has_mask_input", "float32", 1),
              of("orig_im_size", "float32", 2)),
          List.of(of("masks", "float32", -1, -1, -1, -1), of("iou_predictions", "float32", -1, -1)))),
  /**
   * Florence-2 vision tower (DaViT + projection) of the optimum / onnx-community export
   * ({@code vision_encoder.onnx}): 768x768 pixels to image features, [N,577,768] for base and
   * [N,577,1024] for large (the hidden size is taken from the model).
   */
  FLORENCE2_VISION_ENCODER(
      "florence2_vision_encoder",
      false,
      ModelContract.of(
          List.of(of("pixel_values", "float32", -1, 3, 768, 768)),
          List.of(of("image_features", "float32", -1, -1, -1)))),
  /**
   * Florence-2 token embeddings ({@code embed_tokens.onnx}), with the export's tokenizer.json (BART
   * with the loc tokens), which also decodes the generated ids.
   */
  FLORENCE2_EMBED_TOKENS(
      "florence2_embed_tokens",
      true,
      ModelContract.of(
          List.of(of("input_ids", "int64", -1, -1)),
          List.of(of("inputs_embeds", "float32", -1, -1, -1)))),
  /** Florence-2 BART encoder ({@code encoder_model.onnx}) over image features + prompt embeddings. */
  FLORENCE2_ENCODER(
      "florence2_encoder",
      false,
      ModelContract.of(
          List.of(of("inputs_embeds", "float32", -1, -1, -1), of("attention_mask", "int64", -1, -1)),
          List.of(of("last_hidden_state", "float32", -1, -1, -1)))),
  /**
   * Florence-2 BART decoder without KV cache ({@code decoder_model.onnx}, not the merged or
   * with-past variants): the whole decoded prefix in, logits for every position out.
   */
  FLORENCE2_DECODER(
      "florence2_decoder",
      false,
      ModelContract.of(
          List.of(
              of("encoder_attention_mask", "int64", -1, -1),
              of("encoder_hidden_states", "float32", -1, -1, -1),
              of("inputs_embeds", "float32", -1, -1, -1)),
          List.of(of("logits", "float32", -1, -1, -1)))),
  /** Not a perception role: a model with its own contract (benchmarks); not valid in configs. */
  CUSTOM("custom", false, null);

  private final String key;
  private final boolean needsTokenizer;
  private final ModelContract contract;

  ModelRole(String key, boolean needsTokenizer, ModelContract contract) {
    this.key = key;
    this.needsTokenizer = needsTokenizer;
    this.contract = contract;
  }

  /** The role's key in the model config file. */
  public String key() {
    return key;
  }

  public boolean needsTokenizer() {
    return needsTokenizer;
  }

  public ModelContract contract() {
    return contract;
  }

  /**
   * Advice for a model whose inputs break this role's contract in a recognisable way (a merged or
   * with-past decoder given as {@code florence2_decoder}), or null.
   */
  public String advice(java.util.Map<String, TensorSpec> actualInputs) {
    if (this == FLORENCE2_DECODER
        && actualInputs.keySet().stream().anyMatch(n -> n.equals("use_cache_branch") || n.startsWith("past_key_values"))) {
      return "this is a decoder with KV-cache inputs (decoder_model_merged.onnx or"
          + " decoder_with_past_model.onnx: use_cache_branch / past_key_values.*); the florence2_decoder"
          + " role needs the export's decoder_model.onnx, which takes the whole prefix and no cache";
    }
    return null;
  }

  public static ModelRole fromKey(String key) {
    for (ModelRole r : values()) {
      if (r != CUSTOM && r.key.equals(key.toLowerCase(Locale.ROOT))) {
        return r;
      }
    }
    throw new IllegalArgumentException(
        "unknown model role '" + key + "'; known roles: " + java.util.Arrays.stream(values()).filter(r -> r != CUSTOM).map(ModelRole::key).toList());
  }
}
