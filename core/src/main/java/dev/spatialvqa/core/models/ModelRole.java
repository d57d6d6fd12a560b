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
  /**
   * openai/clip-vit-base-patch32 text tower with projection, with its tokenizer.json. Also accepted
   * without {@code attention_mask} ({@link #CLIP_TEXT_IDS_ONLY}, e.g. {@code
   * Xenova/clip-vit-base-patch32}'s {@code onnx/text_model.onnx}): CLIP pools at the first
   * end-of-text token under a causal mask, so padding after it changes nothing.
   */
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
          // any output size: depth is resized back to each image (a legacy-tracer export fixes it
          // at the export's size whatever the input, e.g. 518x686)
          List.of(of("predicted_depth", "float32", -1, -1, -1)),
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
  /**
   * SAM / MobileSAM image encoder: normalised, padded 1024x1024 image to embeddings. Also accepted:
   * the transformers.js / optimum {@code vision_encoder.onnx} ({@link #SAM_HF_ENCODER}: {@code
   * pixel_values} to {@code image_embeddings} and {@code image_positional_embeddings}), paired with
   * its {@code prompt_encoder_mask_decoder.onnx} as {@code sam_decoder}.
   */
  SAM_ENCODER(
      "sam_encoder",
      false,
      ModelContract.of(
          List.of(of("image", "float32", 1, 3, 1024, 1024)),
          List.of(of("image_embeddings", "float32", 1, 256, 64, 64)))),
  /**
   * SAM / MobileSAM prompt decoder as exported by segment-anything's export_onnx_model.py (with or
   * without {@code --return-single-mask}), or the transformers.js / optimum {@code
   * prompt_encoder_mask_decoder.onnx} ({@link #SAM_HF_DECODER}).
   */
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

  /** {@code clip_text} without {@code attention_mask} (Xenova's {@code text_model.onnx}). */
  public static final ModelContract CLIP_TEXT_IDS_ONLY =
      ModelContract.of(
          List.of(of("input_ids", "int64", -1, -1)),
          List.of(of("text_embeds", "float32", -1, 512)));

  /**
   * {@code sam_encoder} as transformers.js / optimum export it ({@code vision_encoder.onnx}, e.g.
   * Xenova/slimsam-77-uniform, Xenova/sam-vit-base): the image is preprocessed the same way (long
   * side 1024, SAM mean/std, zero padding), the positional embeddings are passed on to the decoder.
   */
  public static final ModelContract SAM_HF_ENCODER =
      ModelContract.of(
          List.of(of("pixel_values", "float32", -1, 3, 1024, 1024)),
          List.of(
              of("image_embeddings", "float32", -1, 256, 64, 64),
              of("image_positional_embeddings", "float32", -1, 256, 64, 64)));

  /**
   * {@code sam_decoder} as transformers.js / optimum export it ({@code
   * prompt_encoder_mask_decoder.onnx}): points and labels per point batch, three masks (the
   * multi-mask outputs; the single-mask output is not exported) at 256x256 and their IoU scores.
   */
  public static final ModelContract SAM_HF_DECODER =
      ModelContract.of(
          List.of(
              of("image_embeddings", "float32", -1, 256, 64, 64),
              of("image_positional_embeddings", "float32", -1, 256, 64, 64),
              of("input_points", "float32", -1, -1, -1, 2),
              of("input_labels", "int64", -1, -1, -1)),
          List.of(
              of("iou_scores", "float32", -1, -1, 3),
              of("pred_masks", "float32", -1, -1, 3, 256, 256)));

  /**
   * The contracts a model for this role may meet, the role's own first: more than one where public
   * exports differ ({@code clip_text} with or without {@code attention_mask}, SAM's official and
   * transformers.js exports).
   */
  public List<ModelContract> accepted() {
    return switch (this) {
      case CLIP_TEXT -> List.of(contract, CLIP_TEXT_IDS_ONLY);
      case SAM_ENCODER -> List.of(contract, SAM_HF_ENCODER);
      case SAM_DECODER -> List.of(contract, SAM_HF_DECODER);
      default -> contract == null ? List.of() : List.of(contract);
    };
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
      if (contract != this.contract || accepted().size() < 2) {
        return contract.differences(inputs, outputs);
      }
      // several public signatures: fits when one fits, else the closest one's differences
      List<String> best = null;
      for (ModelContract c : accepted()) {
        List<String> d = c.differences(inputs, outputs);
        if (d.isEmpty()) {
          return d;
        }
        if (best == null || d.size() < best.size()) {
          best = d;
        }
      }
      return best;
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
    return advice(actualInputs, java.util.Map.of());
  }

  /** As {@link #advice(java.util.Map)}, also recognising exports by their outputs. */
  public String advice(
      java.util.Map<String, TensorSpec> actualInputs,
      java.util.Map<String, TensorSpec> actualOutputs) {
    if ((this == CLIP_TEXT || this == CLIP_VISION)
        && actualInputs.containsKey("pixel_values")
        && actualInputs.containsKey("input_ids")) {
      return "this is a one-graph CLIP export with both towers (optimum's `clip` export, model.onnx:"
          + " logits_per_image, text_embeds, image_embeds), which is not supported; use one file per"
          + " tower: Xenova/clip-vit-base-patch32 onnx/vision_model.onnx as clip_vision and"
          + " onnx/text_model.onnx as clip_text (with the repository's tokenizer.json), or the"
          + " README's per-tower export";
    }
    if (this == SAM_ENCODER && actualInputs.containsKey("image_embeddings")) {
      return "this is a SAM decoder; it belongs in the sam_decoder role";
    }
    if (this == SAM_DECODER
        && actualInputs.size() == 1
        && (actualInputs.containsKey("image") || actualInputs.containsKey("pixel_values"))) {
      return "this is a SAM image encoder; it belongs in the sam_encoder role";
    }
    if (this == SAM_DECODER && actualInputs.containsKey("input_boxes")) {
      return "this prompt decoder takes input_boxes; spatialvqa feeds the transformers.js export's"
          + " input_points/input_labels only (prompt_encoder_mask_decoder.onnx without input_boxes)";
    }
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
