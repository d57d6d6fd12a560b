package dev.spatialvqa.pipelines.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.spatialvqa.core.evaluate.Evaluation;
import dev.spatialvqa.core.evaluate.GroundTruth;
import dev.spatialvqa.core.ingest.JsonLines;
import dev.spatialvqa.core.load.InputException;
import dev.spatialvqa.core.load.SceneLoader;
import dev.spatialvqa.pipelines.graph.InputSpec;
import dev.spatialvqa.pipelines.graph.JobRunner;
import dev.spatialvqa.pipelines.options.QaConfigs;
import dev.spatialvqa.pipelines.options.SpatialVqaOptions;
import dev.spatialvqa.schemas.QaRecord;
import dev.spatialvqa.schemas.SceneRecord;
import dev.spatialvqa.transforms.errors.RunLedger;
import dev.spatialvqa.transforms.load.BeamBlobReader;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.file.DataFileStream;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.io.fs.ResourceId;
import org.apache.beam.sdk.util.MimeTypes;

/**
 * {@code evaluate --input=manifest:PATH --output=DIR [run options]}: runs the main job on a
 * manifest whose lines name their ground truth ({@code "ground_truth": PATH}), then scores the
 * scenes and QA it wrote against it: {@code DIR/evaluation.json} and a summary on stdout. The
 * engine never reads the ground truth (the manifest parser knows the field and ignores it); only
 * the scorer does, after the run.
 */
final class EvaluateCommand implements Command {
  /** Cap on one ground-truth file (a KITTI scene's is about 35 kB). */
  static final long MAX_GROUND_TRUTH_BYTES = 16L << 20;

  /** Cap on one manifest file read for its ground-truth fields. */
  static final long MAX_MANIFEST_BYTES = 256L << 20;

  @Override
  public String name() {
    return "evaluate";
  }

  @Override
  public String summary() {
    return "run the main job on a manifest with ground truth and score it: --input=manifest:PATH"
        + " --output=DIR";
  }

  @Override
  public String help() {
    return """
        usage: spatialvqa evaluate --input=manifest:PATH --output=DIR [--overwrite] [run options]

        Runs the main job (as `run`) on a scene manifest whose every line names its ground truth,
          "ground_truth": "scene/ground_truth.json"   (relative to the manifest's folder)
        and scores what the engine wrote against it. The engine never reads the ground truth.
        Ground truth (ground_truth.json, see README.md): K_0based, R_cv_to_upright (its third row
        is gravity up in camera coordinates), objects[] with id and box3d_upright {center,
        size_xyz, heading_rad, corners}; SUN RGB-D and KITTI files as prepared in data/. QA are
        matched to boxes by object id (manifest objects[].id = ground-truth objects[].id, or the
        1-based position when the ground truth has no ids); objects without a box are not scored.

        Writes DIR/evaluation.json (besides the run's scenes/, qa/, summary.json, ...) and prints a
        summary: in all, per question type and per scene
          qualitative_agree_pct       answers agreeing with the boxes, on pairs whose ground-truth
                                      difference is beyond the run's tie margin
          near_ties, near_ties_answered_yes_no   pairs within the margin and how they were answered
          quant_within_0_5_2_pct, quant_within_0_8_1_25_pct   metric answers within [0.5x, 2x] /
                                      [0.8x, 1.25x] of the truth (under 0.1 m: 0.10 / 0.05 m)
          gravity_error_deg           per scene, the angle between the engine's up and the truth's
                                      (null when the scene was not canonicalized)
          qa, vertical_qa             QA per scene (all, and vertical types)
          qualitative_misses, quant_misses   per scene, the answers that missed (estimate, truth)
          multi_step                  multi-step records: final answers agreeing among those whose
                                      ground truth is beyond the margin at every comparison, per
                                      family, and metric steps within [0.5x, 2x]
        QA scored: qa/ and reserve/ (everything the run generated and kept after dedupe).
        Run options (--qaPerScene, --qaTieMargin*, Beam options, ...) are those of `run`; the tie
        margins of the run are the ones the scorer applies.
        Exit codes: 0 scored; 1 the run's ledger does not balance; 2 bad arguments or ground truth
        (nothing was run).
        """;
  }

  @Override
  public int run(List<String> args, PrintStream out, PrintStream err) throws Exception {
    boolean overwrite = Args.flag(args, "overwrite");
    SpatialVqaOptions o;
    InputSpec in;
    try {
      o = JobRunner.options(JobRunner.withLocalRunnerDefaults(Args.without(args, "overwrite")));
      if (o.getInput() == null || o.getOutput() == null) {
        throw new IllegalArgumentException("--input=manifest:PATH and --output=DIR are required");
      }
      in = InputSpec.parse(o.getInput());
      if (!in.kind().equals("manifest")) {
        throw new IllegalArgumentException(
            "evaluate needs a scene manifest with ground truth (--input=manifest:PATH), got --input="
                + o.getInput());
      }
    } catch (IllegalArgumentException e) {
      err.println("spatialvqa evaluate: " + e.getMessage());
      return 2;
    }
    Map<String, GroundTruth> truths;
    try {
      truths = readGroundTruth(in.value());
    } catch (IllegalArgumentException | InputException e) {
      err.println("spatialvqa evaluate: " + e.getMessage() + " (nothing was run)");
      return 2;
    }
    out.println(
        "evaluate: "
            + truths.size()
            + (truths.size() == 1 ? " scene" : " scenes")
            + " with ground truth; running the engine");
    RunLedger ledger;
    try {
      ledger = JobRunner.run(o, overwrite, out, err);
    } catch (IllegalArgumentException e) {
      err.println("spatialvqa evaluate: " + e.getMessage());
      return 2;
    }
    Map<String, SceneRecord> scenes = new LinkedHashMap<>();
    for (SceneRecord s : read(o.getOutput() + "/scenes/*.avro", SceneRecord.class)) {
      scenes.put(s.getSceneId(), s);
    }
    Map<String, List<QaRecord>> qa = new LinkedHashMap<>();
    List<QaRecord> all = new ArrayList<>(read(o.getOutput() + "/qa/*.avro", QaRecord.class));
    all.addAll(read(o.getOutput() + "/reserve/*.avro", QaRecord.class));
    for (QaRecord r : all) {
      qa.computeIfAbsent(r.getSceneId(), k -> new ArrayList<>()).add(r);
    }
    Evaluation e = new Evaluation(QaConfigs.from(o));
    for (GroundTruth t : truths.values()) {
      e.add(t, scenes.get(t.sceneId()), qa.getOrDefault(t.sceneId(), List.of()));
    }
    String path = o.getOutput() + "/evaluation.json";
    write(path, e.toJsonText());
    out.println(e.summary());
    out.println("wrote " + path);
    if (ledger != null && !ledger.complete()) {
      err.println(
          "spatialvqa evaluate: the run's ledger does not balance: " + ledger.balanceLine());
      return 1;
    }
    return 0;
  }

  /**
   * Every manifest line's ground truth, by scene id, in manifest order. A line without {@code
   * ground_truth}, or whose ground truth is missing or implausible, refuses the whole evaluation
   * before anything runs. Lines that are not JSON or have no scene id are left to the engine (they
   * become dead letters and are not scored).
   */
  static Map<String, GroundTruth> readGroundTruth(String manifestGlob)
      throws IOException, InputException {
    List<MatchResult.Metadata> files;
    try {
      files = FileSystems.match(manifestGlob, EmptyMatchTreatment.DISALLOW).metadata();
    } catch (FileNotFoundException e) {
      throw new IllegalArgumentException(
          "--input=manifest:" + manifestGlob + " matches no file (nothing was changed)");
    }
    BeamBlobReader reader = new BeamBlobReader();
    Map<String, GroundTruth> out = new LinkedHashMap<>();
    for (MatchResult.Metadata f : files) {
      String manifest = f.resourceId().toString();
      String text = new String(reader.read(manifest, MAX_MANIFEST_BYTES), StandardCharsets.UTF_8);
      int lineNo = 0;
      for (String line : text.split("\r?\n")) {
        lineNo++;
        if (line.isBlank()) {
          continue;
        }
        JsonNode root;
        try {
          root = JsonLines.read(line.startsWith("\uFEFF") ? line.substring(1) : line);
        } catch (JsonProcessingException e) {
          continue; // the engine dead-letters it
        }
        if (root == null || !root.isObject() || !root.path("scene_id").isTextual()) {
          continue;
        }
        String sceneId = root.get("scene_id").asText();
        String where = manifest + " line " + lineNo + " (scene " + sceneId + ")";
        JsonNode gt = root.get("ground_truth");
        if (gt == null || !gt.isTextual() || gt.asText().isBlank()) {
          throw new IllegalArgumentException(
              where + " has no \"ground_truth\": PATH; evaluate needs it on every line");
        }
        if (out.containsKey(sceneId)) {
          throw new IllegalArgumentException(
              where + ": scene id " + sceneId + " appears twice; scores need one scene per id");
        }
        String uri = SceneLoader.resolve(manifest, gt.asText());
        byte[] bytes;
        try {
          bytes = reader.read(uri, MAX_GROUND_TRUTH_BYTES);
        } catch (InputException e) {
          throw new IllegalArgumentException(where + ": " + e.getMessage());
        }
        try {
          out.put(sceneId, GroundTruth.parse(sceneId, bytes));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(where + ": " + e.getMessage() + " (" + uri + ")");
        }
      }
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException(
          "--input=manifest:" + manifestGlob + " holds no scene line with ground truth");
    }
    return out;
  }

  private static <T extends SpecificRecordBase> List<T> read(String glob, Class<T> type)
      throws IOException {
    List<T> out = new ArrayList<>();
    for (MatchResult.Metadata m : FileSystems.match(glob, EmptyMatchTreatment.ALLOW).metadata()) {
      try (InputStream in = Channels.newInputStream(FileSystems.open(m.resourceId()));
          DataFileStream<T> s = new DataFileStream<>(in, new SpecificDatumReader<>(type))) {
        for (T r : s) {
          out.add(r);
        }
      }
    }
    return out;
  }

  private static void write(String path, String text) throws IOException {
    ResourceId id = FileSystems.matchNewResource(path, false);
    try (OutputStream os = Channels.newOutputStream(FileSystems.create(id, MimeTypes.TEXT))) {
      os.write(text.getBytes(StandardCharsets.UTF_8));
    }
  }
}
