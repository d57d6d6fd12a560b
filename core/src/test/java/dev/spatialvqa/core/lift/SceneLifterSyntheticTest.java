package dev.spatialvqa.core.lift;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The geometry core on rendered scenes with known camera tilt, boxes, noise and holes. */
class SceneLifterSyntheticTest {
  private final SceneLifter lifter = new SceneLifter(LiftConfig.defaults());

  static Stream<Arguments> tilts() {
    List<Arguments> a = new ArrayList<>();
    for (double pitch : new double[] {0, 15, 30}) {
      for (double roll : new double[] {-30, 0, 15, 30}) {
        for (double noise : new double[] {0.0015, 0.003}) {
          a.add(Arguments.of(pitch, roll, noise));
        }
      }
    }
    return a.stream();
  }

  @ParameterizedTest(name = "pitch {0} roll {1} noise {2}")
  @MethodSource("tilts")
  void gravityAndBoxesWithinBoundsAcrossTiltAndNoise(double pitch, double roll, double noise) {
    SyntheticScene scene = SyntheticScene.room();
    scene.pitchDownDeg = pitch;
    scene.rollDeg = roll;
    scene.noise = noise;
    scene.inverseDepthStep =
        noise > 0.002 ? 0.00287 : 0; // the noisier case also quantised like a Kinect
    SyntheticScene.Rendered r = scene.render();

    LiftResult res = lifter.lift(r.depth(), r.intrinsics(), r.objects(), null);

    assertTrue(res.canonicalized());
    double gravityError = Linalg.angleDeg(res.gravityUpCamera(), r.upCamera());
    assertTrue(gravityError <= 3, "gravity error " + gravityError);
    assertNotNull(res.cameraHeightM());
    assertEquals(scene.cameraHeight, res.cameraHeightM(), 0.1);
    List<LiftedObject> objs = res.objects();
    assertEquals(r.objects().size(), objs.size(), "filtered: " + res.filteredObjects());
    assertTrue(objs.size() >= 2);
    double worstHeight = 0;
    for (LiftedObject o : objs) {
      SyntheticScene.Box gt = box(scene, o.objectId());
      double err = Math.abs(o.extent()[2] - gt.sz()) / gt.sz();
      worstHeight = Math.max(worstHeight, err);
      assertTrue(err <= 0.20, o.objectId() + " height " + o.extent()[2] + " vs " + gt.sz());
    }
    System.out.printf(
        "synthetic pitch %.0f roll %.0f noise %.4f: gravity %.2f deg, camera height %.3f, worst height %.1f%%%n",
        pitch, roll, noise, gravityError, res.cameraHeightM(), 100 * worstHeight);
    for (int i = 0; i < objs.size(); i++) {
      for (int j = i + 1; j < objs.size(); j++) {
        SyntheticScene.Box a = box(scene, objs.get(i).objectId()),
            b = box(scene, objs.get(j).objectId());
        double gt = Math.hypot(a.x() - b.x(), a.y() - b.y());
        double est =
            Math.hypot(
                objs.get(i).center()[0] - objs.get(j).center()[0],
                objs.get(i).center()[1] - objs.get(j).center()[1]);
        assertTrue(
            Math.abs(est - gt) / gt <= 0.25, a.id() + "-" + b.id() + " " + est + " vs " + gt);
      }
    }
  }

  private static SyntheticScene.Box box(SyntheticScene s, String id) {
    return s.boxes.stream().filter(b -> b.id().equals(id)).findFirst().orElseThrow();
  }

  @Test
  void canonicalFrameIsViewerRightForwardUp() {
    SyntheticScene scene = SyntheticScene.room();
    scene.pitchDownDeg = 20;
    scene.rollDeg = 10;
    SyntheticScene.Rendered r = scene.render();

    LiftResult res = lifter.lift(r.depth(), r.intrinsics(), r.objects(), null);

    // the cabinet is right of and behind the crate; the table is left of the crate
    LiftedObject table = find(res, "table"),
        cabinet = find(res, "cabinet"),
        crate = find(res, "crate");
    assertTrue(cabinet.center()[0] > crate.center()[0]);
    assertTrue(cabinet.center()[1] > crate.center()[1]);
    assertTrue(table.center()[0] < crate.center()[0]);
    // standing on the floor: bottoms at z = 0, and the camera-frame centre maps back
    for (LiftedObject o : res.objects()) {
      assertEquals(0, o.center()[2] - o.extent()[2] / 2, 0.06, o.objectId());
      assertTrue(o.centerCamera()[2] > 0, "in front of the camera");
    }
    // the crate's oriented footprint is its 0.45 m square, the table's 1.2 x 0.7 rectangle
    assertEquals(0.45, crate.orientedExtent()[0], 0.1);
    assertEquals(1.2, table.orientedExtent()[0], 0.15);
    double tableYaw = Math.toDegrees(table.headingRad());
    assertEquals(10, tableYaw, 6, "table heading (camera yaw 0: canonical x = world x)");
  }

  private static LiftedObject find(LiftResult r, String id) {
    return r.objects().stream().filter(o -> o.objectId().equals(id)).findFirst().orElseThrow();
  }

  @ParameterizedTest(name = "pitch {0} roll {1}")
  @MethodSource("wallTilts")
  void onlyWallsEndsNotCanonicalized(double pitch, double roll) {
    SyntheticScene scene = new SyntheticScene();
    scene.floor = false;
    scene.pitchDownDeg = pitch;
    scene.rollDeg = roll;
    scene.walls.add(new SyntheticScene.Wall(0, 3, 0, -1));
    scene.walls.add(new SyntheticScene.Wall(1.5, 0, -1, 0));
    scene.walls.add(new SyntheticScene.Wall(-2, 0, 1, 0));
    scene.boxes.add(new SyntheticScene.Box("box", 0, 2.5, 0.5, 0.5, 0.5, 0.2));
    SyntheticScene.Rendered r = scene.render();

    LiftResult res = lifter.lift(r.depth(), r.intrinsics(), r.objects(), null);

    assertFalse(res.canonicalized(), "a wall must never be taken as the floor");
    assertNull(res.gravityUpCamera());
    assertNull(res.cameraHeightM());
    // relabelled camera frame: x right, y optical axis, z = -camera y
    LiftedObject o = res.objects().get(0);
    assertEquals(o.centerCamera()[0], o.center()[0], 1e-6);
    assertEquals(o.centerCamera()[2], o.center()[1], 1e-6);
    assertEquals(-o.centerCamera()[1], o.center()[2], 1e-6);
  }

  static Stream<Arguments> wallTilts() {
    return Stream.of(
        Arguments.of(0, 0), Arguments.of(20, 10), Arguments.of(30, 30), Arguments.of(30, -30));
  }

  /** The largest plane in view is a wall (VQASynth's failure mode); the floor must still win. */
  @Test
  void aWallFillingMostOfTheViewIsNeverTheFloor() {
    SyntheticScene scene = new SyntheticScene();
    scene.pitchDownDeg = 8;
    scene.rollDeg = 25;
    scene.walls.add(new SyntheticScene.Wall(0, 2.6, 0, -1));
    scene.boxes.add(new SyntheticScene.Box("crate", 0.2, 2.0, 0.45, 0.45, 0.45, 0.3));
    SyntheticScene.Rendered r = scene.render();
    long floorPixels = 0, wallPixels = 0;
    double[] rw = scene.cameraToWorld();
    for (int v = 0; v < scene.height; v++) {
      for (int u = 0; u < scene.width; u++) {
        double dy = (v - (scene.height - 1) / 2.0) / scene.f,
            dx = (u - (scene.width - 1) / 2.0) / scene.f;
        double wz = rw[6] * dx + rw[7] * dy + rw[8];
        double wy = rw[3] * dx + rw[4] * dy + rw[5];
        boolean floorFirst = wz < 0 && scene.cameraHeight / -wz * wy < 2.6;
        if (floorFirst) {
          floorPixels++;
        } else {
          wallPixels++;
        }
      }
    }
    assertTrue(
        wallPixels > 2 * floorPixels, "the wall dominates: " + wallPixels + " vs " + floorPixels);

    LiftResult res = lifter.lift(r.depth(), r.intrinsics(), r.objects(), null);

    assertTrue(res.canonicalized());
    assertTrue(Linalg.angleDeg(res.gravityUpCamera(), r.upCamera()) <= 3);
    assertEquals(scene.cameraHeight, res.cameraHeightM(), 0.1);
  }

  @Test
  void givenGravityIsUsedAndTheFloorStillFound() {
    SyntheticScene scene = SyntheticScene.room();
    scene.pitchDownDeg = 25;
    scene.rollDeg = -12;
    SyntheticScene.Rendered r = scene.render();

    LiftResult res = lifter.lift(r.depth(), r.intrinsics(), r.objects(), r.upCamera());

    assertTrue(res.canonicalized());
    assertTrue(res.gravityGiven());
    assertEquals(0, Linalg.angleDeg(res.gravityUpCamera(), r.upCamera()), 1e-6);
    assertEquals(scene.cameraHeight, res.cameraHeightM(), 0.05);
  }

  @Test
  void countsInvalidDepthByCause() {
    SyntheticScene scene = SyntheticScene.room();
    scene.pitchDownDeg = 20;
    SyntheticScene.Rendered r = scene.render();

    LiftResult res = lifter.lift(r.depth(), r.intrinsics(), r.objects(), null);

    assertEquals(r.nanCount(), res.stats().get("depth_nan"));
    assertEquals(r.infCount(), res.stats().get("depth_inf"));
    assertEquals(r.negativeCount(), res.stats().get("depth_out_of_range"));
    long total =
        res.stats().get("depth_valid")
            + res.stats().get("depth_hole")
            + res.stats().get("depth_nan")
            + res.stats().get("depth_inf")
            + res.stats().get("depth_out_of_range");
    assertEquals((long) scene.width * scene.height, total);
  }

  @Test
  void boxOnlyObjectIsSeparatedFromTheWallBehind() {
    SyntheticScene scene = SyntheticScene.room();
    scene.pitchDownDeg = 15;
    SyntheticScene.Rendered r = scene.render();
    List<ObjectInput> boxOnly = new ArrayList<>();
    for (ObjectInput o : r.objects()) {
      boxOnly.add(new ObjectInput(o.objectId(), o.caption(), o.box2dXyxy(), null));
    }

    LiftResult res = lifter.lift(r.depth(), r.intrinsics(), boxOnly, null);

    for (LiftedObject o : res.objects()) {
      SyntheticScene.Box gt = box(scene, o.objectId());
      assertEquals("box", o.maskSource());
      assertTrue(
          Math.abs(o.extent()[2] - gt.sz()) / gt.sz() <= 0.2, o.objectId() + " " + o.extent()[2]);
      assertTrue(
          o.extent()[1] < 1.5,
          o.objectId() + " depth extent " + o.extent()[1] + " (wall leaked in?)");
    }
    assertEquals(3, res.objects().size());
  }

  @Test
  void tinyObjectIsFilteredWithAReasonWhileASmallOneIsMeasured() {
    SyntheticScene scene = SyntheticScene.room();
    scene.pitchDownDeg = 15;
    scene.boxes.add(new SyntheticScene.Box("pebble", 0.8, 1.8, 0.04, 0.04, 0.04, 0));
    scene.boxes.add(new SyntheticScene.Box("cup", -0.4, 1.9, 0.1, 0.1, 0.12, 0));
    SyntheticScene.Rendered r = scene.render();

    LiftResult res = lifter.lift(r.depth(), r.intrinsics(), r.objects(), null);

    assertTrue(
        res.filteredObjects().contains(new LiftResult.FilteredObject("pebble", "too_few_points")),
        res.filteredObjects().toString());
    assertTrue(res.objects().stream().noneMatch(o -> o.objectId().equals("pebble")));
    LiftedObject cup = find(res, "cup"); // a finer voxel keeps a small object measurable
    assertTrue(cup.numPoints() >= LiftConfig.defaults().minPoints());
    // boxes span the denoised cloud, so the depth noise (sigma = 0.003 z^2 = 1.1 cm at 1.9 m)
    // widens a
    // 12 cm cup by about two sigma: measured 0.145 m
    assertEquals(0.12, cup.extent()[2], 0.036);
    assertTrue(
        cup.extent()[2] >= 0.12,
        "a surface's span is not shorter than the surface: " + cup.extent()[2]);
  }
}
