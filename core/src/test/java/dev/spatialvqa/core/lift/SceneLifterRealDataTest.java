package dev.spatialvqa.core.lift;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The geometry core against the ground truth of the bundled real SUN RGB-D scans (Kinect-type
 * depth, 27-34% holes). Gravity is estimated (the ground truth is never an input).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SceneLifterRealDataTest {
  static final double MAX_GRAVITY_ERROR_DEG = 3;
  static final double MAX_HEIGHT_ERROR = 0.20;
  static final double MAX_DISTANCE_ERROR = 0.25;

  /**
   * Objects not held to the box bounds, by scene and manifest id, with the reason: 000001 #2 night
   * stand: mostly occluded by the bed (the dataset says so); 000001 #5 dresser: cut by the left
   * image edge (the dataset says so).
   */
  static final Map<String, Set<String>> EXCLUDED =
      Map.of(
          "sunrgbd-000001", Set.of("2", "5"),
          "sunrgbd-000002", Set.of());

  private final LiftConfig config = LiftConfig.defaults();

  private LiftResult lift(SunRgbdScene s) {
    return new SceneLifter(config).lift(s.depth(), s.intrinsics(), s.objects(), null);
  }

  @ParameterizedTest
  @ValueSource(strings = {"sunrgbd-000001", "sunrgbd-000002"})
  void estimatesGravityWithinThreeDegrees(String sceneId) {
    SunRgbdScene s = SunRgbdScene.load(sceneId);

    LiftResult r = lift(s);

    assertTrue(r.canonicalized(), "a bedroom with floor and bed top must be canonicalized");
    assertTrue(!r.gravityGiven());
    double err = Linalg.angleDeg(r.gravityUpCamera(), s.gtUp());
    System.out.printf(
        "%s gravity error %.2f deg, camera height %.3f m%n", sceneId, err, r.cameraHeightM());
    assertTrue(err <= MAX_GRAVITY_ERROR_DEG, sceneId + " gravity error " + err + " deg");
  }

  @ParameterizedTest
  @ValueSource(strings = {"sunrgbd-000001", "sunrgbd-000002"})
  void cameraHeightMatchesTheFloorUnderTheGroundTruthBoxes(String sceneId) {
    SunRgbdScene s = SunRgbdScene.load(sceneId);
    // the floor under the ground-truth boxes: their median bottom, upright frame (camera at 0);
    // the boxes' bottoms disagree by up to 11 cm among themselves
    List<Double> bottoms = new ArrayList<>();
    for (JsonNode o : s.groundTruth().get("objects")) {
      bottoms.add(o.get("bottom_z_upright").asDouble());
    }
    bottoms.sort(Double::compare);
    int n = bottoms.size();
    double gtFloor =
        n % 2 == 1 ? bottoms.get(n / 2) : (bottoms.get(n / 2 - 1) + bottoms.get(n / 2)) / 2;

    LiftResult r = lift(s);

    assertNotNull(r.cameraHeightM());
    System.out.printf(
        "%s camera height %.3f gt floor %.3f%n", sceneId, r.cameraHeightM(), -gtFloor);
    assertEquals(-gtFloor, r.cameraHeightM(), 0.12, sceneId + " camera height");
  }

  @ParameterizedTest
  @ValueSource(strings = {"sunrgbd-000001", "sunrgbd-000002"})
  void boxHeightsWithinTwentyPercent(String sceneId) {
    SunRgbdScene s = SunRgbdScene.load(sceneId);

    LiftResult r = lift(s);

    assertTrue(r.filteredObjects().isEmpty(), "filtered: " + r.filteredObjects());
    int checked = 0;
    for (LiftedObject o : r.objects()) {
      double gt = s.gtObject(o.objectId()).get("height_m").asDouble();
      double err = (o.extent()[2] - gt) / gt;
      boolean excluded = EXCLUDED.get(sceneId).contains(o.objectId());
      System.out.printf(
          "%s #%s %-15s [%.3f..%.3f] height %.3f gt %.3f error %+.1f%%%s%n",
          sceneId,
          o.objectId(),
          o.caption(),
          o.center()[2] - o.extent()[2] / 2,
          o.center()[2] + o.extent()[2] / 2,
          o.extent()[2],
          gt,
          100 * err,
          excluded ? " (excluded)" : "");
      assertEquals(o.extent()[2], o.orientedExtent()[2], 1e-9);
      if (!excluded) {
        assertTrue(
            Math.abs(err) <= MAX_HEIGHT_ERROR,
            sceneId + " #" + o.objectId() + " height error " + err);
        checked++;
      }
    }
    assertTrue(checked >= 2);
  }

  @ParameterizedTest
  @ValueSource(strings = {"sunrgbd-000001", "sunrgbd-000002"})
  void pairwiseHorizontalDistancesWithinTwentyFivePercent(String sceneId) {
    SunRgbdScene s = SunRgbdScene.load(sceneId);

    LiftResult r = lift(s);

    List<LiftedObject> kept = new ArrayList<>();
    for (LiftedObject o : r.objects()) {
      if (!EXCLUDED.get(sceneId).contains(o.objectId())) {
        kept.add(o);
      }
    }
    int pairs = 0;
    for (int i = 0; i < kept.size(); i++) {
      for (int j = i + 1; j < kept.size(); j++) {
        LiftedObject a = kept.get(i), b = kept.get(j);
        JsonNode ga = s.gtObject(a.objectId()).get("box3d_upright").get("center");
        JsonNode gb = s.gtObject(b.objectId()).get("box3d_upright").get("center");
        double gt =
            Math.hypot(
                ga.get(0).asDouble() - gb.get(0).asDouble(),
                ga.get(1).asDouble() - gb.get(1).asDouble());
        double est = Math.hypot(a.center()[0] - b.center()[0], a.center()[1] - b.center()[1]);
        double err = (est - gt) / gt;
        System.out.printf(
            "%s %s-%s distance %.3f gt %.3f error %+.1f%%%n",
            sceneId, a.caption(), b.caption(), est, gt, 100 * err);
        assertTrue(
            Math.abs(err) <= MAX_DISTANCE_ERROR,
            sceneId + " " + a.caption() + "-" + b.caption() + " " + err);
        pairs++;
      }
    }
    assertTrue(pairs >= 1);
  }

  /**
   * Box-only input: depth clustering inside the 2D box cannot split an object from what stands on
   * it or the wall right behind and above it at the same depth (the night stand's box, projected
   * from its 3D box, also covers 20 cm above it: measured +24..+26% depending on the point cap), so
   * the bound here is 30%; the bed is within 11%.
   */
  @Test
  void boxOnlyObjectsAreSeparatedFromTheirBackground() {
    SunRgbdScene s = SunRgbdScene.load("sunrgbd-000002");

    LiftResult r = new SceneLifter(config).lift(s.depth(), s.intrinsics(), s.boxOnly(), null);

    for (LiftedObject o : r.objects()) {
      double gt = s.gtObject(o.objectId()).get("height_m").asDouble();
      System.out.printf(
          "box-only %s #%s %s height %.3f gt %.3f%n",
          s.id(), o.objectId(), o.caption(), o.extent()[2], gt);
      assertEquals("box", o.maskSource());
      assertTrue(Math.abs(o.extent()[2] - gt) / gt <= 0.30, o.caption() + " " + o.extent()[2]);
    }
    assertEquals(2, r.objects().size());
  }

  @Test
  void givenGravityIsUsedAsIs() {
    SunRgbdScene s = SunRgbdScene.load("sunrgbd-000001");

    LiftResult r = new SceneLifter(config).lift(s.depth(), s.intrinsics(), s.objects(), s.gtUp());

    assertTrue(r.canonicalized());
    assertTrue(r.gravityGiven());
    assertTrue(Linalg.angleDeg(r.gravityUpCamera(), s.gtUp()) < 1e-6);
    assertNotNull(r.cameraHeightM());
    assertEquals(1.23, r.cameraHeightM(), 0.1);
  }

  @Test
  void countsDepthHoles() {
    SunRgbdScene s = SunRgbdScene.load("sunrgbd-000001");

    LiftResult r = lift(s);

    long total =
        r.stats().get("depth_valid")
            + r.stats().get("depth_hole")
            + r.stats().get("depth_nan")
            + r.stats().get("depth_inf")
            + r.stats().get("depth_out_of_range");
    assertEquals(730L * 530L, total);
    double holes = r.stats().get("depth_hole") / (double) total;
    assertTrue(holes > 0.2 && holes < 0.4, "hole share " + holes);
  }
}
