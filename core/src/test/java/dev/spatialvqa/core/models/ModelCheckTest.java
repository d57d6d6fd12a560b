package dev.spatialvqa.core.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The public exports' signatures through the real check of {@code models check}. */
class ModelCheckTest {
  @TempDir Path dir;

  private Path tok() throws Exception {
    Path t = dir.resolve("tokenizer.json");
    if (!Files.exists(t)) {
      TestModels.copyResource("/all-minilm-l6-v2-q-tokenizer.json", t);
    }
    return t;
  }

  /**
   * A config entry naming the file by its bare file name (resolved against the config's folder).
   */
  private String entry(String role, Path file, boolean tok, String extra) throws Exception {
    String e =
        "\""
            + role
            + "\": {\"name\": \""
            + role
            + "\", \"uri\": \""
            + dir.relativize(file)
            + "\", \"sha256\": \""
            + ModelResolver.sha256(file)
            + "\""
            + extra;
    if (tok) {
      e +=
          ", \"tokenizer\": {\"uri\": \"tokenizer.json\", \"sha256\": \""
              + ModelResolver.sha256(tok())
              + "\"}";
    }
    return e + "}";
  }

  private ModelCheck.Report check(String... entries) throws Exception {
    Path cfg =
        Files.writeString(
            dir.resolve("models.json"),
            "{\"cache_dir\": \""
                + dir.resolve("cache")
                + "\", \"models\": {"
                + String.join(",", entries)
                + "}}");
    ModelConfig c = ModelConfig.read(cfg);
    return ModelCheck.check(c, new ModelResolver(dir.resolve("cache"), List.of()), true, true);
  }

  private static ModelCheck.RoleResult role(ModelCheck.Report r, String role) {
    return r.roles().stream().filter(x -> x.role().equals(role)).findFirst().orElseThrow();
  }

  private static final String METRIC = ", \"depth_kind\": \"metric\", \"max_depth\": 20";

  @Test
  void xenovaClipTowersAreAcceptedTheTextOneWithoutAttentionMask() throws Exception {
    Files.createDirectories(dir.resolve("clip"));
    ModelCheck.Report r =
        check(
            entry("clip_vision", PublicExports.xenovaClipVision(dir.resolve("clip")), false, ""),
            entry("clip_text", PublicExports.xenovaClipText(dir.resolve("clip")), true, ""));
    assertEquals(ModelCheck.Verdict.ACCEPTED, role(r, "clip_vision").verdict(), r.toString());
    ModelCheck.RoleResult t = role(r, "clip_text");
    assertEquals(ModelCheck.Verdict.ACCEPTED, t.verdict(), t.toString());
    assertTrue(t.warnings().get(0).contains("input_ids only"), t.toString());
    // depth and detector are not configured: a run would stop
    assertEquals(List.of("depth", "detector"), r.missing());
    assertFalse(r.ok());
  }

  @Test
  void optimumOneGraphClipIsRefusedNamingTheFilesToUse() throws Exception {
    ModelCheck.Report r = check(entry("clip_text", PublicExports.optimumClip(dir), true, ""));
    ModelCheck.RoleResult t = role(r, "clip_text");
    assertEquals(ModelCheck.Verdict.REFUSED, t.verdict());
    String all = String.join("; ", t.problems());
    assertTrue(all.contains("one-graph CLIP") && all.contains("onnx/text_model.onnx"), all);
    assertTrue(all.contains("unexpected input pixel_values"), all);
  }

  @Test
  void depthMustBeDeclaredMetricWithMaxDepth() throws Exception {
    Path f = PublicExports.depthDynamic(dir, "model.onnx");
    ModelException none =
        assertThrows(ModelException.class, () -> check(entry("depth", f, false, "")));
    assertTrue(none.getMessage().contains("depth_kind"), none.getMessage());
    ModelException rel =
        assertThrows(
            ModelException.class,
            () -> check(entry("depth", f, false, ", \"depth_kind\": \"relative\"")));
    assertTrue(
        rel.getMessage().contains("only \"metric\"")
            && rel.getMessage().contains("onnx-community/depth-anything-v2-small"),
        rel.getMessage());
    ModelException noMax =
        assertThrows(
            ModelException.class,
            () -> check(entry("depth", f, false, ", \"depth_kind\": \"metric\"")));
    assertTrue(noMax.getMessage().contains("max_depth"), noMax.getMessage());

    ModelCheck.RoleResult ok = role(check(entry("depth", f, false, METRIC)), "depth");
    assertEquals(ModelCheck.Verdict.ACCEPTED, ok.verdict(), ok.toString());
    assertTrue(ok.warnings().isEmpty(), ok.toString()); // output follows the input
  }

  @Test
  void aLegacyFixedOutputDepthExportIsAcceptedWithAWarning() throws Exception {
    ModelCheck.RoleResult d =
        role(check(entry("depth", PublicExports.depthFixedOutput(dir), false, METRIC)), "depth");
    assertEquals(ModelCheck.Verdict.ACCEPTED, d.verdict(), d.toString());
    assertTrue(d.warnings().get(0).contains("686x518"), d.toString());
  }

  @Test
  void xenovaOwlv2WithAFixedBatchIsAcceptedAndRunsOneImagePerCall() throws Exception {
    ModelCheck.RoleResult o =
        role(check(entry("detector", PublicExports.xenovaOwlv2(dir, 1), true, "")), "detector");
    assertEquals(ModelCheck.Verdict.ACCEPTED, o.verdict(), o.toString());
    assertTrue(o.warnings().get(0).contains("fixed batch of 1"), o.toString());
  }

  @Test
  void theTransformersJsSamSplitIsAcceptedAndAMixedPairRefused() throws Exception {
    ModelCheck.Report hf =
        check(
            entry("sam_encoder", PublicExports.hfSamEncoder(dir), false, ""),
            entry("sam_decoder", PublicExports.hfSamDecoder(dir), false, ""));
    assertEquals(ModelCheck.Verdict.ACCEPTED, role(hf, "sam_encoder").verdict(), hf.toString());
    ModelCheck.RoleResult dec = role(hf, "sam_decoder");
    assertEquals(ModelCheck.Verdict.ACCEPTED, dec.verdict(), dec.toString());
    assertTrue(dec.warnings().get(0).contains("three multi-mask"), dec.toString());

    ModelCheck.Report mixed =
        check(
            entry("sam_encoder", PublicExports.officialSamEncoder(dir), false, ""),
            entry("sam_decoder", PublicExports.hfSamDecoder(dir), false, ""));
    ModelCheck.RoleResult m = role(mixed, "sam_decoder");
    assertEquals(ModelCheck.Verdict.REFUSED, m.verdict(), m.toString());
    assertTrue(m.problems().get(0).contains("use both files of one export"), m.toString());
  }

  @Test
  void officialSamDecodersAreAcceptedTheSingleMaskOneWithAWarning() throws Exception {
    Path enc = PublicExports.officialSamEncoder(dir);
    Files.createDirectories(dir.resolve("single"));
    ModelCheck.Report single =
        check(
            entry("sam_encoder", enc, false, ""),
            entry(
                "sam_decoder",
                PublicExports.officialSamDecoder(dir.resolve("single"), 1),
                false,
                ""));
    ModelCheck.RoleResult s = role(single, "sam_decoder");
    assertEquals(ModelCheck.Verdict.ACCEPTED, s.verdict(), s.toString());
    assertTrue(s.warnings().get(0).contains("--return-single-mask"), s.toString());
    Files.createDirectories(dir.resolve("multi"));
    ModelCheck.RoleResult m =
        role(
            check(
                entry("sam_encoder", enc, false, ""),
                entry(
                    "sam_decoder",
                    PublicExports.officialSamDecoder(dir.resolve("multi"), 4),
                    false,
                    "")),
            "sam_decoder");
    assertEquals(ModelCheck.Verdict.ACCEPTED, m.verdict());
    assertTrue(m.warnings().isEmpty(), m.toString());
  }

  @Test
  void wrongHashesAndUnreadableTokenizersAreRefusedWithTheReason() throws Exception {
    Path f = PublicExports.xenovaClipText(dir);
    Path badTok = Files.writeString(dir.resolve("bad_tokenizer.json"), "{not json");
    String e =
        "\"clip_text\": {\"name\": \"t\", \"uri\": \"text_model.onnx\", \"sha256\": \""
            + "0".repeat(64)
            + "\", \"tokenizer\": {\"uri\": \"bad_tokenizer.json\", \"sha256\": \""
            + ModelResolver.sha256(badTok)
            + "\"}}";
    ModelCheck.RoleResult t = role(check(e), "clip_text");
    assertEquals(ModelCheck.Verdict.REFUSED, t.verdict());
    assertTrue(t.problems().get(0).contains("sha256 mismatch"), t.toString());
    assertTrue(t.problems().get(1).contains("bad_tokenizer.json cannot be used"), t.toString());
    assertTrue(Files.exists(f));
  }

  @Test
  void bareRelativeUrisResolveAgainstTheConfigsFolder() {
    Path cfg = dir.resolve("conf/models.json");
    assertEquals(
        dir.resolve("conf/depth.onnx").toString(),
        ModelConfig.relativeTo(cfg.toString(), "depth.onnx"));
    assertEquals(
        dir.resolve("m/depth.onnx").toString(),
        ModelConfig.relativeTo(cfg.toString(), "../m/depth.onnx"));
    assertEquals(
        dir.resolve("conf/depth.onnx").toString(),
        ModelConfig.relativeTo(cfg.toUri().toString(), "depth.onnx"));
    assertEquals(
        "gs://b/cfg/depth.onnx", ModelConfig.relativeTo("gs://b/cfg/models.json", "depth.onnx"));
    assertEquals("/abs/depth.onnx", ModelConfig.relativeTo(cfg.toString(), "/abs/depth.onnx"));
    assertEquals("https://h/x.onnx", ModelConfig.relativeTo(cfg.toString(), "https://h/x.onnx"));
  }
}
