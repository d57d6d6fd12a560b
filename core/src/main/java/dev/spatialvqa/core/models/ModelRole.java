package dev.spatialvqa.core.models;

import static dev.spatialvqa.core.models.TensorSpec.of;

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
          List.of(
              of("masks", "float32", -1, -1, -1, -1), of("iou_predictions", "float32", -1, -1)))),
  /**
   * Florence-2 vision tower (DaViT + projection) of the optimum / onnx-community export ({@code
   * vision_encoder.onnx}): 768x768 pixels to image features, [N,577,768] for base and [N,577,1024]
   * for large (the hidden size is taken from the model).
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
  /**
   * Florence-2 BART encoder ({@code encoder_model.onnx}) over image features + prompt embeddings.
   */
  FLORENCE2_ENCODER(
      "florence2_encoder",
      false,
      ModelContract.of(
          List.of(
              of("inputs_embeds", "float32", -1, -1, -1), of("attention_mask", "int64", -1, -1)),
          List.of(of("last_hidden_state", "float32", -1, -1, -1)))),
  /**
   * Florence-2 BART decoder without KV cache inputs ({@code decoder_model.onnx}, not the merged or
   * with-past variants): the whole decoded prefix in, logits for every position out. With {@link
   * #FLORENCE2_DECODER_WITH_PAST} it runs the first step only and must also return the cache
   * ({@code present.i.decoder.*}, {@code present.i.encoder.*}, as the public export does).
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
  /**
   * Optional: Florence-2 BART decoder with KV cache ({@code decoder_with_past_model.onnx}): the new
   * token's embedding, the encoder mask and {@code past_key_values.i.{decoder,encoder}.{key,value}}
   * for every layer (see {@link KvCacheLayout}; layers, heads and head size are read from the
   * model) in, the new position's logits and {@code present.i.decoder.*} out. An {@code
   * encoder_hidden_states} input is fed when the export declares it.
   */
  FLORENCE2_DECODER_WITH_PAST(
      "florence2_decoder_with_past",
      false,
      ModelContract.of(
          List.of(
              of("encoder_attention_mask", "int64", -1, -1),
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

  /** The optional {@code encoder_hidden_states} input of {@link #FLORENCE2_DECODER_WITH_PAST}. */
  public static final TensorSpec ENCODER_HIDDEN_STATES =
      of("encoder_hidden_states", "float32", -1, -1, -1);

  /**
   * Every way a model's signature differs from {@code contract} (this role's, for perception
   * roles); for {@link #FLORENCE2_DECODER_WITH_PAST} the cache inputs and outputs are checked by
   * {@link KvCacheLayout#read} and {@code encoder_hidden_states} is optional.
   */
  public List<String> differences(
      ModelContract contract,
      java.util.Map<String, TensorSpec> inputs,
      java.util.Map<String, TensorSpec> outputs) {
    if (this != FLORENCE2_DECODER_WITH_PAST) {
      return contract.differences(inputs, outputs);
    }
    java.util.Map<String, TensorSpec> plain = new java.util.LinkedHashMap<>(inputs);
    plain.keySet().removeIf(KvCacheLayout::isPastInput);
    TensorSpec ehs = plain.remove(ENCODER_HIDDEN_STATES.name());
    List<String> diffs = new java.util.ArrayList<>(contract.differences(plain, outputs));
    if (ehs != null && ENCODER_HIDDEN_STATES.mismatch(ehs) != null) {
      diffs.add("input " + ENCODER_HIDDEN_STATES.mismatch(ehs));
    }
    if (!inputs.containsKey("use_cache_branch")) {
      diffs.addAll(KvCacheLayout.read(inputs, outputs).differences());
    }
    return diffs;
  }

  /**
   * Advice for a model whose inputs break this role's contract in a recognisable way (a merged or
   * with-past decoder given as {@code florence2_decoder}, a merged or no-past decoder given as
   * {@code florence2_decoder_with_past}), or null.
   */
  public String advice(java.util.Map<String, TensorSpec> actualInputs) {
    boolean merged = actualInputs.containsKey("use_cache_branch");
    boolean past = actualInputs.keySet().stream().anyMatch(KvCacheLayout::isPastInput);
    String mergedAdvice =
        "this is the merged decoder (decoder_model_merged.onnx: use_cache_branch),"
            + " which is not supported; use the export's decoder_model.onnx as florence2_decoder and, for the"
            + " KV cache, its decoder_with_past_model.onnx as florence2_decoder_with_past";
    if (this == FLORENCE2_DECODER && (merged || past)) {
      return merged
          ? mergedAdvice
          : "this is a decoder with KV-cache inputs (decoder_with_past_model.onnx: past_key_values.*);"
              + " it belongs in the florence2_decoder_with_past role, the florence2_decoder role needs the"
              + " export's decoder_model.onnx, which takes the whole prefix and no cache";
    }
    if (this == FLORENCE2_DECODER_WITH_PAST && (merged || !past)) {
      return merged
          ? mergedAdvice
          : "this decoder has no past_key_values.* inputs (decoder_model.onnx?); it belongs in the"
              + " florence2_decoder role, florence2_decoder_with_past needs the export's"
              + " decoder_with_past_model.onnx";
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
        "unknown model role '"
            + key
            + "'; known roles: "
            + java.util.Arrays.stream(values())
                .filter(r -> r != CUSTOM)
                .map(ModelRole::key)
                .toList());
  }
}
