package dev.spatialvqa.core.lift;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class SceneLifterEdgeCasesTest {
  private final SceneLifter lifter = new SceneLifter(LiftConfig.defaults());

  @Test
  void allHolesIsNotCanonicalizedAndFiltersObjects() {
    DepthImage d = new DepthImage(64, 48, new float[64 * 48]);
    CameraIntrinsics k = new CameraIntrinsics(50, 50, 31.5, 23.5);
    ObjectInput box = new ObjectInput("a", "thing", new double[] {10, 10, 30, 30}, null);

    LiftResult r = lifter.lift(d, k, List.of(box), null);

    assertFalse(r.canonicalized());
    assertEquals(64L * 48, r.stats().get("depth_hole"));
    assertEquals(0L, r.stats().get("depth_valid"));
    assertEquals(
        List.of(new LiftResult.FilteredObject("a", "too_few_points")), r.filteredObjects());
  }

  @Test
  void badInputsAreFilteredWithReasons() {
    SyntheticScene.Rendered s = SyntheticScene.room().render();
    List<ObjectInput> objs =
        List.of(
            new ObjectInput("m", "wrong mask", null, new byte[3]),
            new ObjectInput("n", "nothing", null, null),
            new ObjectInput("o", "off image", new double[] {-50, -50, -10, -10}, null));

    LiftResult r = lifter.lift(s.depth(), s.intrinsics(), objs, null);

    assertEquals(
        List.of(
            new LiftResult.FilteredObject("m", "bad_mask"),
            new LiftResult.FilteredObject("n", "no_region"),
            new LiftResult.FilteredObject("o", "empty_region")),
        r.filteredObjects());
    assertTrue(r.objects().isEmpty());
  }

  @Test
  void unusableIntrinsicsOrGravityThrow() {
    SyntheticScene.Rendered s = SyntheticScene.room().render();
    assertThrows(
        IllegalArgumentException.class,
        () -> lifter.lift(s.depth(), new CameraIntrinsics(0, 200, 10, 10), List.of(), null));
    assertThrows(
        IllegalArgumentException.class,
        () -> lifter.lift(s.depth(), s.intrinsics(), List.of(), new double[] {0, 0, 0}));
    assertThrows(
        IllegalArgumentException.class,
        () -> lifter.lift(s.depth(), s.intrinsics(), List.of(), new double[] {Double.NaN, 1, 0}));
  }

  @Test
  void sameInputSameOutput() {
    SyntheticScene scene = SyntheticScene.room();
    scene.pitchDownDeg = 12;
    scene.rollDeg = 7;
    SyntheticScene.Rendered s = scene.render();

    LiftResult a = lifter.lift(s.depth(), s.intrinsics(), s.objects(), null);
    LiftResult b =
        new SceneLifter(LiftConfig.defaults()).lift(s.depth(), s.intrinsics(), s.objects(), null);

    assertArrayEquals(a.gravityUpCamera(), b.gravityUpCamera());
    assertEquals(a.cameraHeightM(), b.cameraHeightM());
    for (int i = 0; i < a.objects().size(); i++) {
      assertArrayEquals(a.objects().get(i).center(), b.objects().get(i).center());
      assertArrayEquals(a.objects().get(i).orientedExtent(), b.objects().get(i).orientedExtent());
    }
  }
}
