package dev.spatialvqa.core.models;

import java.util.ArrayList;
import java.util.List;

/**
 * Which models a run's perception needs and the message that says how to supply them. The pipeline
 * calls {@link #check} at start-up for image-stream inputs (fail fast) and dead-letters manifest
 * lines that need a missing model with reason {@code missing_model}.
 */
public final class MissingModels {
  private MissingModels() {}

  /** Roles needed to perceive images with the OWLv2 detector (the default region proposer). */
  public static List<ModelRole> required(boolean sceneFilter) {
    return required(sceneFilter, ModelConfig.RegionsKind.DETECTOR);
  }

  /**
   * Roles needed to perceive images: depth + the region proposer's roles, plus the CLIP towers when
   * filtering.
   */
  public static List<ModelRole> required(boolean sceneFilter, ModelConfig.RegionsKind regions) {
    List<ModelRole> r = new ArrayList<>();
    if (sceneFilter) {
      r.add(ModelRole.CLIP_VISION);
      r.add(ModelRole.CLIP_TEXT);
    }
    r.add(ModelRole.DEPTH);
    r.addAll(regions.roles());
    return r;
  }

  /** The required roles the config (null = no --models) does not name. */
  public static List<ModelRole> missing(
      ModelConfig config, boolean needsPerception, boolean sceneFilter) {
    if (!needsPerception) {
      return List.of();
    }
    ModelConfig c = config == null ? ModelConfig.empty() : config;
    return required(sceneFilter, c.regions().kind()).stream()
        .filter(r -> c.model(r).isEmpty())
        .toList();
  }

  /** A start-up message naming the missing roles and how to supply them. */
  public static String message(List<ModelRole> missing) {
    StringBuilder sb =
        new StringBuilder("the perception models for these roles are not configured: ");
    sb.append(missing.stream().map(ModelRole::key).toList());
    sb.append(
        ". Pass --models=CONFIG.json naming each role's ONNX export by uri (local path,"
            + " file:, gs:// or https://) and sha256, e.g. {\"models\": {\"");
    sb.append(missing.isEmpty() ? "depth" : missing.get(0).key());
    sb.append("\": {\"name\": \"...\", \"uri\": \"/models/model.onnx\", \"sha256\": \"<64 hex>\"");
    if (!missing.isEmpty() && missing.get(0).needsTokenizer()) {
      sb.append(", \"tokenizer\": {\"uri\": \"/models/tokenizer.json\", \"sha256\": \"<64 hex>\"}");
    }
    sb.append(
        "}}}. Roles: clip_vision + clip_text (scene filter; disable with --sceneFilter=false),"
            + " depth (metric depth), detector (regions; or with \"regions\": {\"kind\": \"florence2\"}:"
            + " florence2_vision_encoder + florence2_embed_tokens (with tokenizer) + florence2_encoder"
            + " + florence2_decoder, optionally florence2_decoder_with_past for a KV cache),"
            + " sam_encoder + sam_decoder (optional masks)."
            + " The README's 'Perception models' section shows how to export each model to ONNX.");
    return sb.toString();
  }
}
