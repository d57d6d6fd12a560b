package dev.spatialvqa.core.perceive;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.spatialvqa.schemas.Intrinsics;
import dev.spatialvqa.schemas.IntrinsicsSource;
import org.junit.jupiter.api.Test;

class ImageIntrinsicsTest {
  @Test
  void givenThenExifThenModelThenDefault() {
    Intrinsics given = new Intrinsics(500.0, 500.0, 320.0, 240.0);
    assertEquals(
        IntrinsicsSource.given,
        ImageIntrinsics.choose(given, 28.0, 400.0, 400.0, 640, 480, 60).source());

    ImageIntrinsics.Choice exif = ImageIntrinsics.choose(null, 28.0, 400.0, 400.0, 640, 480, 60);
    assertEquals(IntrinsicsSource.exif, exif.source());
    assertEquals(28 / Math.hypot(36, 24) * 800, exif.intrinsics().getFx(), 1e-9);
    assertEquals(319.5, exif.intrinsics().getCx(), 1e-12);

    ImageIntrinsics.Choice model = ImageIntrinsics.choose(null, 0.0, 410.0, 420.0, 640, 480, 60);
    assertEquals(IntrinsicsSource.model, model.source());
    assertEquals(420.0, model.intrinsics().getFy());

    ImageIntrinsics.Choice def = ImageIntrinsics.choose(null, null, null, null, 480, 640, 90);
    assertEquals(IntrinsicsSource.default_fov, def.source());
    assertEquals(320.0, def.intrinsics().getFx(), 1e-9); // 90 degrees across the long side (640)
  }
}
