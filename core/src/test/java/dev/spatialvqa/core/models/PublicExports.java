package dev.spatialvqa.core.models;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Stand-ins with the exact input/output names, dtypes and (symbolic) shapes of the public ONNX
 * files the README lists, as published (optimum's ONNX configs, transformers.js exports, the SAM
 * export script). Their outputs are zeros of the declared rank unless said otherwise: only the
 * signature matters to {@link ModelCheck}.
 */
public final class PublicExports {
  private PublicExports() {}

  static final long D = -1; // a dynamic (symbolic) axis

  /** One output as ConstantOfShape zeros of {@code dims} (dynamic axes become 1). */
  private static OnnxGraph zeros(OnnxGraph g, String name, long... dims) {
    long[] d = new long[dims.length];
    for (int i = 0; i < dims.length; i++) {
      d[i] = dims[i] < 0 ? 1 : dims[i];
    }
    return g.longs(name + "_shape", d, d.length)
        .node("ConstantOfShape", name + "_shape", name)
        .output(name, OnnxGraph.FLOAT, dims);
  }

  /** Xenova/clip-vit-base-patch32 onnx/text_model.onnx: input_ids only. */
  public static Path xenovaClipText(Path dir) throws IOException {
    OnnxGraph g = OnnxGraph.create().input("input_ids", OnnxGraph.INT64, D, D);
    zeros(g, "text_embeds", D, 512);
    zeros(g, "last_hidden_state", D, D, 512);
    return g.write(dir.resolve("text_model.onnx"));
  }

  /** Xenova/clip-vit-base-patch32 onnx/vision_model.onnx. */
  public static Path xenovaClipVision(Path dir) throws IOException {
    OnnxGraph g = OnnxGraph.create().input("pixel_values", OnnxGraph.FLOAT, D, 3, 224, 224);
    zeros(g, "image_embeds", D, 512);
    zeros(g, "last_hidden_state", D, 50, 768);
    return g.write(dir.resolve("vision_model.onnx"));
  }

  /** optimum's one-graph `clip` export (model.onnx): both towers. */
  public static Path optimumClip(Path dir) throws IOException {
    OnnxGraph g =
        OnnxGraph.create()
            .input("input_ids", OnnxGraph.INT64, D, D)
            .input("pixel_values", OnnxGraph.FLOAT, D, 3, 224, 224)
            .input("attention_mask", OnnxGraph.INT64, D, D);
    zeros(g, "logits_per_image", D, D);
    zeros(g, "logits_per_text", D, D);
    zeros(g, "text_embeds", D, 512);
    zeros(g, "image_embeds", D, 512);
    return g.write(dir.resolve("model.onnx"));
  }

  /**
   * onnx-community/depth-anything-v2-small (relative) or a dynamic-axes metric export: the same
   * signature; predicted_depth = the channel mean of pixel_values, so its size follows the input.
   */
  public static Path depthDynamic(Path dir, String name) throws IOException {
    return OnnxGraph.create()
        .input("pixel_values", OnnxGraph.FLOAT, D, 3, D, D)
        .node(
            "ReduceMean", "pixel_values", "predicted_depth", "axes", new long[] {1}, "keepdims", 0L)
        .output("predicted_depth", OnnxGraph.FLOAT, D, D, D)
        .write(dir.resolve(name));
  }

  /** A legacy-tracer export: dynamic input axes, but the output is 518x686 whatever the input. */
  public static Path depthFixedOutput(Path dir) throws IOException {
    OnnxGraph g = OnnxGraph.create().input("pixel_values", OnnxGraph.FLOAT, D, 3, D, D);
    g.longs("predicted_depth_shape", new long[] {1, 518, 686}, 3)
        .floats("one", new float[] {1f})
        .node("ConstantOfShape", "predicted_depth_shape", "z")
        .node("Add", new String[] {"z", "one"}, new String[] {"predicted_depth"})
        .output("predicted_depth", OnnxGraph.FLOAT, D, D, D);
    return g.write(dir.resolve("depth_legacy.onnx"));
  }

  /** Xenova/owlv2-base-patch16-ensemble model.onnx, with the batch of pixel_values at {@code b}. */
  public static Path xenovaOwlv2(Path dir, long b) throws IOException {
    OnnxGraph g =
        OnnxGraph.create()
            .input("input_ids", OnnxGraph.INT64, D, D)
            .input("pixel_values", OnnxGraph.FLOAT, b, 3, 960, 960)
            .input("attention_mask", OnnxGraph.INT64, D, D);
    zeros(g, "logits", D, D, D);
    zeros(g, "pred_boxes", D, D, 4);
    zeros(g, "text_embeds", D, D, 512);
    zeros(g, "image_embeds", D, 60, 60, 768);
    return g.write(dir.resolve("owlv2.onnx"));
  }

  /** transformers.js / optimum SAM vision_encoder.onnx (SlimSAM, MobileSAM, sam-vit-base). */
  public static Path hfSamEncoder(Path dir) throws IOException {
    OnnxGraph g = OnnxGraph.create().input("pixel_values", OnnxGraph.FLOAT, D, 3, 1024, 1024);
    zeros(g, "image_embeddings", D, 256, 64, 64);
    zeros(g, "image_positional_embeddings", D, 256, 64, 64);
    return g.write(dir.resolve("vision_encoder.onnx"));
  }

  /** transformers.js / optimum SAM prompt_encoder_mask_decoder.onnx. */
  public static Path hfSamDecoder(Path dir) throws IOException {
    OnnxGraph g =
        OnnxGraph.create()
            .input("image_embeddings", OnnxGraph.FLOAT, D, 256, 64, 64)
            .input("image_positional_embeddings", OnnxGraph.FLOAT, D, 256, 64, 64)
            .input("input_points", OnnxGraph.FLOAT, D, D, D, 2)
            .input("input_labels", OnnxGraph.INT64, D, D, D);
    zeros(g, "iou_scores", D, D, 3);
    zeros(g, "pred_masks", D, D, 3, 256, 256);
    return g.write(dir.resolve("prompt_encoder_mask_decoder.onnx"));
  }

  /** segment-anything's export_onnx_model.py decoder (masks: 1 with --return-single-mask). */
  public static Path officialSamDecoder(Path dir, long masks) throws IOException {
    OnnxGraph g =
        OnnxGraph.create()
            .input("image_embeddings", OnnxGraph.FLOAT, 1, 256, 64, 64)
            .input("point_coords", OnnxGraph.FLOAT, 1, D, 2)
            .input("point_labels", OnnxGraph.FLOAT, 1, D)
            .input("mask_input", OnnxGraph.FLOAT, 1, 1, 256, 256)
            .input("has_mask_input", OnnxGraph.FLOAT, 1)
            .input("orig_im_size", OnnxGraph.FLOAT, 2);
    zeros(g, "masks", D, masks, D, D);
    zeros(g, "iou_predictions", D, masks);
    zeros(g, "low_res_masks", D, masks, D, D);
    return g.write(dir.resolve("sam_decoder.onnx"));
  }

  /** The official image encoder exported alone (README). */
  public static Path officialSamEncoder(Path dir) throws IOException {
    OnnxGraph g = OnnxGraph.create().input("image", OnnxGraph.FLOAT, 1, 3, 1024, 1024);
    zeros(g, "image_embeddings", 1, 256, 64, 64);
    return g.write(dir.resolve("sam_encoder.onnx"));
  }
}
