package dev.spatialvqa.core.models;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What {@code spatialvqa models check} does: for each role of a model config, resolves the file
 * (fetch, sha256) and its tokenizer, reads the signature and holds it to the role's contracts the
 * way a run's start-up does, without running a job; then adds what a run would only find later (an
 * export whose depth output size is fixed, a detector with a fixed batch, a SAM decoder that cannot
 * give SAM's single-mask output for a box) as warnings. A role is ACCEPTED when a run would load
 * it, REFUSED otherwise, with every difference.
 */
public final class ModelCheck {
  private ModelCheck() {}

  public enum Verdict {
    ACCEPTED,
    REFUSED
  }

  /** One role's outcome: the exact differences (refused) and warnings (either). */
  public record RoleResult(
      String role,
      String name,
      String uri,
      Verdict verdict,
      List<String> problems,
      List<String> warnings) {
    public RoleResult {
      problems = List.copyOf(problems);
      warnings = List.copyOf(warnings);
    }
  }

  /** Every role's result, plus roles a run needs that the config does not name. */
  public record Report(List<RoleResult> roles, List<String> missing, List<String> notes) {
    public Report {
      roles = List.copyOf(roles);
      missing = List.copyOf(missing);
      notes = List.copyOf(notes);
    }

    /** True when every configured role is accepted and no required role is missing. */
    public boolean ok() {
      return missing.isEmpty() && roles.stream().allMatch(r -> r.verdict() == Verdict.ACCEPTED);
    }
  }

  /**
   * Checks every configured role.
   *
   * @param sceneFilter whether the run filters scenes (then the CLIP towers are required)
   * @param probeDepth run the depth model once on a 518x518 zero image to see whether its output
   *     size follows the input (a fraction of a second for the small models)
   */
  public static Report check(
      ModelConfig cfg, ModelResolver resolver, boolean sceneFilter, boolean probeDepth) {
    List<RoleResult> out = new ArrayList<>();
    for (ModelSpec spec : cfg.models().values()) {
      out.add(checkRole(cfg, spec, resolver, probeDepth));
    }
    List<String> missing = new ArrayList<>();
    for (ModelRole r : MissingModels.required(sceneFilter, cfg.regions().kind())) {
      if (cfg.model(r).isEmpty()) {
        missing.add(r.key());
      }
    }
    List<String> notes = new ArrayList<>();
    boolean enc = cfg.model(ModelRole.SAM_ENCODER).isPresent();
    boolean dec = cfg.model(ModelRole.SAM_DECODER).isPresent();
    if (enc != dec) {
      notes.add(
          "only "
              + (enc ? "sam_encoder" : "sam_decoder")
              + " is configured: masks need both, so objects will be box-only");
    }
    if (enc && dec) {
      pairCheck(out);
    }
    return new Report(out, missing, notes);
  }

  /** SAM's encoder and decoder must come from the same family of export. */
  private static void pairCheck(List<RoleResult> out) {
    RoleResult e = find(out, "sam_encoder");
    RoleResult d = find(out, "sam_decoder");
    if (e == null
        || d == null
        || e.verdict() != Verdict.ACCEPTED
        || d.verdict() != Verdict.ACCEPTED) {
      return;
    }
    boolean hfEnc = e.warnings().stream().anyMatch(w -> w.startsWith(HF_SAM));
    boolean hfDec = d.warnings().stream().anyMatch(w -> w.startsWith(HF_SAM));
    if (hfEnc != hfDec) {
      int i = out.indexOf(d);
      List<String> p = new ArrayList<>(d.problems());
      p.add(
          "sam_encoder is the "
              + (hfEnc ? "transformers.js/optimum vision_encoder.onnx" : "official image encoder")
              + " but sam_decoder is "
              + (hfDec
                  ? "a transformers.js/optimum prompt_encoder_mask_decoder.onnx"
                  : "the official export_onnx_model.py decoder")
              + ": use both files of one export");
      out.set(i, new RoleResult(d.role(), d.name(), d.uri(), Verdict.REFUSED, p, d.warnings()));
    }
  }

  private static RoleResult find(List<RoleResult> out, String role) {
    return out.stream().filter(r -> r.role().equals(role)).findFirst().orElse(null);
  }

  static final String HF_SAM = "transformers.js/optimum SAM split";

  private static RoleResult checkRole(
      ModelConfig cfg, ModelSpec spec, ModelResolver resolver, boolean probeDepth) {
    String what = "model '" + spec.name() + "' (role " + spec.role().key() + ")";
    List<String> problems = new ArrayList<>();
    List<String> warnings = new ArrayList<>();
    Path file = null;
    try {
      file = resolver.resolve(spec.file(), what);
    } catch (RuntimeException e) {
      problems.add(e.getMessage());
    }
    SignatureReader.Signature sig = null;
    if (file != null) {
      try {
        sig = SignatureReader.read(file);
      } catch (RuntimeException e) {
        problems.add(e.getMessage());
      }
    }
    if (sig != null) {
      List<String> diffs = spec.role().differences(spec.contract(), sig.inputs(), sig.outputs());
      if (!diffs.isEmpty()) {
        String advice = spec.role().advice(sig.inputs(), sig.outputs());
        if (advice != null) {
          problems.add(advice);
        }
        problems.addAll(diffs);
      } else {
        roleWarnings(cfg, spec, sig, file, probeDepth, problems, warnings);
      }
    }
    if (spec.tokenizer() != null) {
      try {
        Path tok = resolver.resolve(spec.tokenizer(), what + " tokenizer");
        try (HuggingFaceTokenizer t = HuggingFaceTokenizer.newInstance(tok)) {
          if (t.encode("a photo of a chair").getIds().length == 0) {
            problems.add("tokenizer " + spec.tokenizer().uri() + " encodes text to no tokens");
          }
        }
      } catch (Exception e) {
        problems.add("tokenizer " + spec.tokenizer().uri() + " cannot be used: " + e.getMessage());
      }
    }
    return new RoleResult(
        spec.role().key(),
        spec.name(),
        spec.file().uri(),
        problems.isEmpty() ? Verdict.ACCEPTED : Verdict.REFUSED,
        problems,
        warnings);
  }

  private static void roleWarnings(
      ModelConfig cfg,
      ModelSpec spec,
      SignatureReader.Signature sig,
      Path file,
      boolean probeDepth,
      List<String> problems,
      List<String> warnings) {
    Map<String, TensorSpec> in = sig.inputs();
    Map<String, TensorSpec> outs = sig.outputs();
    switch (spec.role()) {
      case CLIP_TEXT -> {
        if (!in.containsKey("attention_mask")) {
          warnings.add(
              "input_ids only (no attention_mask, as Xenova's text_model.onnx): fed without a mask;"
                  + " CLIP pools at the end-of-text token under a causal mask, so this is exact");
        }
      }
      case DEPTH -> {
        String n = (spec.name() + " " + spec.file().uri()).toLowerCase(Locale.ROOT);
        if (n.contains("depth-anything") && !n.contains("metric")) {
          warnings.add(
              "the name or uri names a Depth Anything model without 'metric': the relative models"
                  + " (onnx-community/depth-anything-v2-small/base/large) have the same signature"
                  + " and are refused at run time by the plausibility check");
        }
        TensorSpec px = in.get("pixel_values");
        long[] declared = outs.get("predicted_depth").shape();
        boolean fixedOut = declared[1] >= 0 && declared[2] >= 0;
        if (px.shape()[2] < 0 && fixedOut) {
          warnings.add(fixedOutput(declared[2], declared[1]));
        } else if (px.shape()[2] < 0 && probeDepth) {
          long[] o;
          try {
            o = probeDepth(file, px);
          } catch (OrtException | RuntimeException e) {
            o = null;
            warnings.add(
                "the depth probe (one 518x518 zero image) failed, so whether the output size"
                    + " follows the input is unknown: "
                    + e.getMessage());
          }
          if (o != null && (o[o.length - 2] != 518 || o[o.length - 1] != 518)) {
            warnings.add(
                "for a 518x518 input it returned "
                    + o[o.length - 1]
                    + "x"
                    + o[o.length - 2]
                    + " depth: "
                    + fixedOutput(o[o.length - 1], o[o.length - 2]));
          }
        }
      }
      case DETECTOR -> {
        long b = in.get("pixel_values").shape()[0];
        long q = in.get("input_ids").shape()[0];
        int v = cfg.detector().vocabulary().size();
        if (b > 0) {
          warnings.add(
              "pixel_values has a fixed batch of "
                  + b
                  + ": the detector runs "
                  + b
                  + " image(s) per model call");
        }
        if (q > 0 && q != (b > 0 ? b : 1) * v) {
          problems.add(
              "input_ids has a fixed first dimension "
                  + q
                  + " but the vocabulary gives "
                  + v
                  + " queries per image: make detector.vocabulary "
                  + (b > 0 ? q / Math.max(1, b) : q)
                  + " labels long or export with a dynamic query axis");
        }
      }
      case SAM_ENCODER -> {
        if (in.containsKey("pixel_values")) {
          warnings.add(
              HF_SAM + " (vision_encoder.onnx): its positional embeddings go to the decoder");
        }
      }
      case SAM_DECODER -> {
        if (in.containsKey("input_points")) {
          warnings.add(
              HF_SAM
                  + " (prompt_encoder_mask_decoder.onnx): it returns only SAM's three multi-mask"
                  + " outputs, so a box gets the best-IoU one of them, not SAM's single-mask output"
                  + " (masks can be looser than the official export's); box corners are fed with"
                  + " SAM's box labels 2 and 3, which only exports whose prompt encoder embeds those"
                  + " labels honour");
        } else {
          long k = outs.get("masks").shape()[1];
          if (k == 1) {
            warnings.add(
                "exported with --return-single-mask: a box is fed with a padding point (label -1)"
                    + " so that the export returns SAM's single-mask output, as SAM's predictor"
                    + " uses for a box; exporting without --return-single-mask gives it exactly");
          }
        }
      }
      case FLORENCE2_DECODER -> {
        if (cfg.model(ModelRole.FLORENCE2_DECODER_WITH_PAST).isPresent()
            && outs.keySet().stream().noneMatch(k -> k.startsWith("present."))) {
          problems.add(
              "florence2_decoder_with_past is configured but this decoder returns no present.*"
                  + " cache outputs (the public decoder_model.onnx does)");
        }
      }
      default -> {}
    }
  }

  private static String fixedOutput(long w, long h) {
    return "the depth output size is fixed at "
        + w
        + "x"
        + h
        + " whatever the input (a legacy-tracer export fixes it at the export's input size). Each"
        + " image still gets its keep-aspect input and the depth is resized from "
        + w
        + "x"
        + h
        + " back to it (same field of view, resolution limited); re-export with the README's"
        + " snippet for depth at the input's resolution";
  }

  /** Output shape of predicted_depth for one 518x518 zero image. */
  private static long[] probeDepth(Path file, TensorSpec px) throws OrtException {
    ai.djl.engine.Engine.getEngine("OnnxRuntime");
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    long batch = px.shape()[0] > 0 ? px.shape()[0] : 1;
    long[] shape = {batch, 3, 518, 518};
    try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions();
        OrtSession s = env.createSession(file.toString(), opts);
        OnnxTensor x =
            OnnxTensor.createTensor(
                env, FloatBuffer.allocate((int) (batch * 3 * 518 * 518)), shape);
        OrtSession.Result r = s.run(Map.of("pixel_values", x))) {
      return ((TensorInfo) r.get("predicted_depth").orElseThrow().getInfo()).getShape();
    }
  }
}
