package dev.spatialvqa.core.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spatialvqa.core.evaluate.GroundTruth;
import dev.spatialvqa.core.evaluate.GroundTruthAgreement;
import dev.spatialvqa.core.lift.LiftConfig;
import dev.spatialvqa.core.lift.SceneLifter;
import dev.spatialvqa.core.lift.SceneRecords;
import dev.spatialvqa.core.load.LocalBlobReader;
import dev.spatialvqa.core.load.ManifestParser;
import dev.spatialvqa.core.load.SceneLoader;
import dev.spatialvqa.schemas.PerceivedScene;
import dev.spatialvqa.schemas.QaRecord;
import dev.spatialvqa.schemas.SceneObject;
import dev.spatialvqa.schemas.SceneRecord;
import dev.spatialvqa.templates.TemplateCatalog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Issue 4's "done when", end to end on real data: the bundled SUN RGB-D scenes are loaded and
 * lifted by the real geometry ({@link SceneLoader}: masks from instances.png, depth_mm.png in mm,
 * the manifest's intrinsics; {@link SceneLifter}: gravity estimated), QA is generated from the
 * estimated boxes, and every answer is recomputed from the ground-truth boxes of {@code
 * ground_truth.json} with independent definitions ({@link GroundTruthAgreement}).
 *
 * <p>Asserted: at least 95% of the qualitative answers agree with the ground truth on pairs whose
 * ground-truth difference is beyond the tie margin (strictly, tie answers counted as misses; and of
 * the confident answers), and the demo's settings ask every catalog type on these scenes. The
 * quantitative bar of the issue (90% within [0.8x, 1.25x]) is NOT met by the current geometry, nor
 * by any box around the visible points ({@link VisiblePointOracle}: 74%): the lifted boxes cover
 * the visible surfaces while the ground truth is amodal (see data/README.md: occluded night stand,
 * dresser cut by the image edge, boxes including headboards), so the quantitative shares are
 * asserted as regression floors below the measured level and printed in full.
 */
class LiftedSceneAgreementTest {
  /** Objects data/README.md flags as unreliable ground truth for visible-surface boxes. */
  static final Set<String> README_CAVEATS = Set.of("sunrgbd-000001/2", "sunrgbd-000001/5");

  /** What one run over both scenes measured. */
  record Measured(
      GroundTruthAgreement total,
      GroundTruthAgreement withoutCaveats,
      Set<String> demoTypes,
      int demoQa,
      int qa400) {}

  /** The same questions asked of the visible-point oracle's boxes ({@link VisiblePointOracle}). */
  static GroundTruthAgreement oracle() throws Exception {
    QaGenerator g = new QaGenerator(QaConfig.defaults().withQaPerScene(400));
    GroundTruthAgreement total = new GroundTruthAgreement();
    for (String id : List.of("sunrgbd-000001", "sunrgbd-000002")) {
      GroundTruth gt = BundledGroundTruth.load(id);
      total.add(GroundTruthAgreement.of(g.generate(VisiblePointOracle.scene(gt)), gt, g));
    }
    return total;
  }

  static Measured measure(LiftConfig config, boolean print) throws Exception {
    return measure("/sunrgbd-dev/manifest.jsonl", true, config, print);
  }

  /**
   * @param requireCanonical whether every scene must be canonicalized (the sparse KITTI depth is
   *     not, yet: its questions are then horizontal only, in the camera frame relabelled, which
   *     KITTI's level camera makes nearly upright)
   */
  static Measured measure(
      String resource, boolean requireCanonical, LiftConfig config, boolean print)
      throws Exception {
    Path manifest = Path.of(LiftedSceneAgreementTest.class.getResource(resource).toURI());
    List<String> lines = Files.readAllLines(manifest);
    SceneLoader loader = new SceneLoader(new LocalBlobReader());
    SceneLifter lifter = new SceneLifter(config);
    QaGenerator g = new QaGenerator(QaConfig.defaults().withQaPerScene(400));
    QaGenerator demo = new QaGenerator(QaConfig.defaults());
    GroundTruthAgreement total = new GroundTruthAgreement();
    GroundTruthAgreement withoutCaveats = new GroundTruthAgreement();
    Set<String> demoTypes = new TreeSet<>();
    int demoQa = 0;
    int qa400 = 0;
    for (String line : lines) {
      PerceivedScene perceived =
          assertInstanceOf(
                  SceneLoader.Scene.class,
                  loader.load(ManifestParser.parse(line), manifest.toString(), null))
              .scene();
      SceneRecord lifted = SceneRecords.lift(lifter, perceived);
      if (print) {
        for (SceneObject o : lifted.getObjects()) {
          System.out.printf(
              "  %s/%s %s: points %d, border %s, occluded %.2f, coverage %.2f, sampling %s m,"
                  + " cut %s, unreliable %s%n",
              lifted.getSceneId(),
              o.getObjectId(),
              o.getCaption(),
              o.getNumPoints(),
              o.getBorderSides(),
              o.getOccludedShare(),
              o.getDepthCoverage(),
              o.getSamplingM() == null
                  ? "-"
                  : o.getSamplingM().stream()
                      .map(x -> String.format(java.util.Locale.ROOT, "%.3f", x))
                      .toList(),
              o.getCutFaces(),
              o.getUnreliableExtents());
        }
      }
      assertTrue(
          !requireCanonical || lifted.getCanonicalized(),
          lifted.getSceneId() + " not canonicalized");
      List<SceneObject> objs = new ArrayList<>();
      for (SceneObject o : lifted.getObjects()) {
        objs.add(SceneObject.newBuilder(o).setReferringExpression("the " + o.getCaption()).build());
      }
      SceneRecord scene = SceneRecord.newBuilder(lifted).setObjects(objs).build();
      GroundTruth gt = BundledGroundTruth.load(scene.getSceneId());
      List<QaRecord> qa = g.generate(scene);
      qa400 += qa.size();
      GroundTruthAgreement s = GroundTruthAgreement.of(qa, gt, g);
      if (print) {
        System.out.println(scene.getSceneId() + " (lifted): " + s);
        for (Map.Entry<String, String> e : s.disagreements().entrySet()) {
          System.out.println("  disagree " + e.getValue());
        }
        for (Map.Entry<String, double[]> e : s.ratios().entrySet()) {
          double r = e.getValue()[0] / e.getValue()[1];
          if (r < 0.8 || r > 1.25) {
            System.out.printf(
                "  off %s est=%.3f gt=%.3f%n", e.getKey(), e.getValue()[0], e.getValue()[1]);
          }
        }
      }
      total.add(s);
      List<QaRecord> clean =
          qa.stream()
              .filter(
                  r ->
                      r.getObjectIds().stream()
                          .noneMatch(id -> README_CAVEATS.contains(scene.getSceneId() + "/" + id)))
              .toList();
      withoutCaveats.add(GroundTruthAgreement.of(clean, gt, g));
      List<QaRecord> demoQas = demo.generate(scene);
      demoQa += demoQas.size();
      demoQas.forEach(r -> demoTypes.add(r.getQuestionType()));
    }
    if (print) {
      System.out.println(
          resource + ": QA generated " + demoQa + " (defaults), " + qa400 + " (400 per scene)");
    }
    return new Measured(total, withoutCaveats, demoTypes, demoQa, qa400);
  }

  /**
   * The two KITTI street scenes (sparse LiDAR depth, test resources kitti-dev/, see its README):
   * printed for the record; asserted only that questions are asked and that the qualitative answers
   * mostly agree.
   */
  @Test
  void kittiScenesAgainstGroundTruth() throws Exception {
    Measured m = measure("/kitti-dev/manifest.jsonl", false, LiftConfig.defaults(), true);
    GroundTruthAgreement total = m.total();
    System.out.println("kitti (lifted): " + total);
    System.out.printf(
        "  kitti qualitative: %.1f%% strict, %.1f%% of confident answers;"
            + " quantitative: %.1f%% in [0.8x,1.25x], %.1f%% in [0.5x,2x]%n",
        100 * total.qualitativeAgreement(),
        100 * total.confidentAgreement(),
        100 * total.tightShare(),
        100 * total.looseShare());
    System.out.println("  per quantitative type, in [0.8x,1.25x] / in [0.5x,2x] / asked");
    total
        .quantitativeByType()
        .forEach(
            (t, v) ->
                System.out.printf(
                    "    %-20s %3d/%3d/%3d%n", t, v.within08to125, v.within05to2, v.scored));
    assertTrue(m.demoQa() > 0, "no QA on the KITTI scenes");
    assertTrue(total.qualitativeAgreement() >= 0.8, total.toString());
  }

  @Test
  void liftedScenesAgreeWithGroundTruth() throws Exception {
    Measured m = measure(LiftConfig.defaults(), true);
    GroundTruthAgreement total = m.total();
    GroundTruthAgreement withoutCaveats = m.withoutCaveats();
    Set<String> demoTypes = m.demoTypes();
    // the same scenes with visible-only boxes (amodal completion off), for comparison
    GroundTruthAgreement visibleOnly =
        measure(LiftConfig.defaults().withAmodalCompletion(false), false).total();
    System.out.println(
        "per quantitative type, in [0.8x,1.25x] / in [0.5x,2x] / asked: visible-only -> amodal (default)");
    Set<String> types = new TreeSet<>(total.quantitativeByType().keySet());
    types.addAll(visibleOnly.quantitativeByType().keySet());
    for (String t : types) {
      GroundTruthAgreement.Quantitative none = new GroundTruthAgreement.Quantitative();
      GroundTruthAgreement.Quantitative a = visibleOnly.quantitativeByType().getOrDefault(t, none);
      GroundTruthAgreement.Quantitative b = total.quantitativeByType().getOrDefault(t, none);
      System.out.printf(
          "  %-20s %3d/%3d/%3d -> %3d/%3d/%3d%n",
          t, a.within08to125, a.within05to2, a.scored, b.within08to125, b.within05to2, b.scored);
    }
    System.out.println("visible-only: " + visibleOnly);
    System.out.println("both scenes (lifted): " + total);
    System.out.printf(
        "  qualitative: %.1f%% of confident answers agree, %.1f%% strict (tie answers as misses)%n",
        100 * total.confidentAgreement(), 100 * total.qualitativeAgreement());
    System.out.printf(
        "  quantitative: %.1f%% in [0.8x,1.25x], %.1f%% in [0.5x,2x]%n",
        100 * total.tightShare(), 100 * total.looseShare());
    System.out.println("without the README's caveat objects: " + withoutCaveats);
    GroundTruthAgreement oracle = oracle();
    System.out.println(
        "visible-point oracle (every masked depth reading, ground-truth gravity, min..max): "
            + oracle);
    System.out.printf(
        "  oracle quantitative: %.1f%% in [0.8x,1.25x], %.1f%% in [0.5x,2x]%n",
        100 * oracle.tightShare(), 100 * oracle.looseShare());

    assertTrue(total.qualitative().beyondMargin >= 50, total.toString());
    assertTrue(total.quantitative().scored >= 30, total.toString());
    // the qualitative bar (95%), strictly (tie answers on decisive pairs count as misses);
    // the qualitative bar (95%), strictly (tie answers on decisive pairs count as misses);
    // floors just under the measured 98.7% (228/231)
    assertTrue(total.qualitativeAgreement() >= 0.975, total.toString());
    assertTrue(total.confidentAgreement() >= 0.975, total.toString());
    // regression floors. History: visible-only percentile boxes 102/145 = 70.3% in [0.8x, 1.25x];
    // with amodal completion 104/146 = 71.2%; boxes spanning the whole denoised cloud instead of
    // its
    // 1st..99th percentiles (main at 2026-11-22 09:55): 111/147 = 75.5% in [0.8x, 1.25x],
    // 135/147 = 91.8% in [0.5x, 2x] (visible-only the same 75.5%). The 90% in [0.8x, 1.25x]
    // is not met: the misses are the README's caveat objects (occluded night stand, dresser cut by
    // the image edge whose ground-truth box also holds the mirror above it), the lamp (ground-truth
    // box 0.43 x 0.64 m around a lamp whose points span 0.25 x 0.30 m) and differences of such
    // sizes (taller_by, wider_by). Note that the bundled instances.png masks were cut from the
    // ground-truth boxes, so no masked point lies outside them: real masks bleed more.
    assertTrue(total.tightShare() >= 0.75, total.toString());
    // No box around the visible points reaches the 90% on this ground truth: boxes around
    // every masked depth reading, put upright with the ground-truth gravity, measured 108/146 =
    // 74.0%
    // in [0.8x, 1.25x] (2026-11-29). The lifted boxes (estimated gravity, denoised, amodal
    // completion) must do at least about as well as that bound.
    assertTrue(
        total.tightShare() >= oracle.tightShare() - 0.02,
        "lifted " + total + " vs oracle " + oracle);
    assertTrue(total.looseShare() >= 0.91, total.toString());
    assertTrue(total.directionWithin1h() >= 0.8 * total.direction(), total.toString());

    // the demo's settings (defaults) ask every type of the catalog on these two scenes
    Set<String> all = new TreeSet<>();
    TemplateCatalog.bundled().types().forEach(t -> all.add(t.id()));
    assertEquals(all, demoTypes);
  }
}
