package dev.spatialvqa.core.lift;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LiftConfigTest {

  @Test
  void withMethodsCopyAndValidate() {
    LiftConfig base = LiftConfig.defaults();
    LiftConfig c = base.withMinPoints(10).withVoxelSizeM(0.05).withMaxCameraTiltDeg(30);

    assertEquals(50, base.minPoints());
    assertEquals(10, c.minPoints());
    assertEquals(0.05, c.voxelSizeM());
    assertEquals(30, c.maxCameraTiltDeg());
    assertTrue(base.amodalCompletion());
    assertTrue(c.amodalCompletion());
    assertEquals(false, c.withAmodalCompletion(false).amodalCompletion());
    assertEquals(10, c.withAmodalCompletion(false).minPoints());
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> base.withVoxelSizeM(0));
    assertTrue(e.getMessage().contains("voxelSizeM"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> base.withMinPoints(0));
    assertThrows(IllegalArgumentException.class, () -> base.withMaxCameraTiltDeg(80));
    assertThrows(
        IllegalArgumentException.class, () -> base.withMaxDepthM(Double.POSITIVE_INFINITY));
    assertThrows(IllegalArgumentException.class, () -> base.withMinDepthM(200));
  }

  @Test
  void isSerializable() throws Exception {
    LiftConfig c = LiftConfig.defaults().withSeed(9).withAmodalCompletion(false);
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    try (java.io.ObjectOutputStream out = new java.io.ObjectOutputStream(bytes)) {
      out.writeObject(c);
    }
    try (java.io.ObjectInputStream in =
        new java.io.ObjectInputStream(new java.io.ByteArrayInputStream(bytes.toByteArray()))) {
      LiftConfig back = (LiftConfig) in.readObject();
      assertEquals(9, back.seed());
      assertEquals(false, back.amodalCompletion());
    }
  }
}
