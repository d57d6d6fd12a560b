package dev.spatialvqa.core.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spatialvqa.core.lift.MaskBits;
import dev.spatialvqa.schemas.IntrinsicsSource;
import dev.spatialvqa.schemas.PerceivedObject;
import dev.spatialvqa.schemas.PerceivedScene;
import java.awt.image.BufferedImage;
import java.io.File;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SceneLoaderTest {
  static Path bundled() throws Exception {
    return Path.of(SceneLoaderTest.class.getResource("/sunrgbd-dev/manifest.jsonl").toURI());
  }

  static String line(int i) throws Exception {
    return Files.readAllLines(bundled()).get(i);
  }

  private final SceneLoader loader = new SceneLoader(new LocalBlobReader());

  @Test
  void loadsARealRgbdSceneWithMasksAndMetricDepth() throws Exception {
    ManifestEntry e = ManifestParser.parse(line(0));
    SceneLoader.Loaded loaded = loader.load(e, bundled().toString(), null);
    PerceivedScene s = assertInstanceOf(SceneLoader.Scene.class, loaded).scene();
    assertEquals("sunrgbd-000001", s.getSceneId());
    assertEquals(730, s.getWidth());
    assertEquals(530, s.getHeight());
    assertEquals(IntrinsicsSource.given, s.getIntrinsicsSource());
    assertEquals(529.5, s.getIntrinsics().getFx());
    assertEquals(64, s.getContentHash().length());
    float[] depth = new float[730 * 530];
    s.getDepthM().duplicate().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(depth);
    int valid = 0;
    float max = 0;
    for (float d : depth) {
      if (d > 0) {
        valid++;
        max = Math.max(max, d);
      }
    }
    // data/README.md: 27-34% holes, depth capped at 8 m
    assertTrue(valid > 0.6 * depth.length && valid < 0.8 * depth.length, "valid " + valid);
    assertTrue(max > 2 && max <= 8.0001f, "max depth " + max);
    assertEquals(6, s.getObjects().size());
    PerceivedObject bed = s.getObjects().get(0);
    assertEquals("bed", bed.getCaption());
    assertNotNull(bed.getMask());
    byte[] m = new byte[bed.getMask().remaining()];
    bed.getMask().duplicate().get(m);
    assertTrue(MaskBits.count(m) > 10_000, "bed mask pixels " + MaskBits.count(m));
  }

  @Test
  void missingImageIsAnInputError(@TempDir Path dir) throws Exception {
    ManifestEntry e = ManifestParser.parse("{\"scene_id\":\"s\",\"image\":\"nope.jpg\"}");
    InputException ex =
        assertThrows(
            InputException.class, () -> loader.load(e, dir.resolve("m.jsonl").toString(), null));
    assertEquals("missing_file", ex.reason());
  }

  @Test
  void undecodableImageIsAnInputError(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("bad.jpg"), "<html>not an image</html>");
    ManifestEntry e = ManifestParser.parse("{\"scene_id\":\"s\",\"image\":\"bad.jpg\"}");
    InputException ex =
        assertThrows(
            InputException.class, () -> loader.load(e, dir.resolve("m.jsonl").toString(), null));
    assertEquals("undecodable_image", ex.reason());
  }

  @Test
  void depthOfAnotherSizeIsAnInputError(@TempDir Path dir) throws Exception {
    Path img =
        Path.of(SceneLoaderTest.class.getResource("/sunrgbd-dev/sunrgbd-000001/image.jpg").toURI());
    ImageIO.write(
        new BufferedImage(100, 80, BufferedImage.TYPE_USHORT_GRAY),
        "png",
        new File(dir.toFile(), "d.png"));
    ManifestEntry e =
        ManifestParser.parse(
            "{\"scene_id\":\"s\",\"image\":\""
                + img
                + "\",\"depth\":\"d.png\",\"depth_scale_m\":0.001}");
    InputException ex =
        assertThrows(
            InputException.class, () -> loader.load(e, dir.resolve("m.jsonl").toString(), null));
    assertEquals("depth_size_mismatch", ex.reason());
    assertTrue(ex.getMessage().contains("100x80"), ex.getMessage());
  }

  @Test
  void intrinsicsOutsideTheImageAreAnInputError() throws Exception {
    String bad = line(0).replace("\"cx\": 364.0", "\"cx\": 5000.0");
    ManifestEntry e = ManifestParser.parse(bad);
    InputException ex =
        assertThrows(InputException.class, () -> loader.load(e, bundled().toString(), null));
    assertEquals("bad_intrinsics", ex.reason());
  }

  @Test
  void imageOnlyLineNeedsPerception() throws Exception {
    String imageOnly = "{\"scene_id\":\"only-image\",\"image\":\"sunrgbd-000002/image.jpg\"}";
    SceneLoader.Loaded loaded =
        loader.load(ManifestParser.parse(imageOnly), bundled().toString(), 42L);
    var img = assertInstanceOf(SceneLoader.NeedsPerception.class, loaded).image();
    assertEquals("only-image", img.getSceneId());
    assertEquals("jpeg", img.getFormat());
    assertNull(img.getIntrinsics());
    assertEquals(42L, img.getEventTime());
  }

  @Test
  void missingIntrinsicsUseTheDefaultFieldOfView() throws Exception {
    String noK = line(1).replaceAll("\"intrinsics\": \\{[^}]*\\}, ", "");
    PerceivedScene s =
        ((SceneLoader.Scene) loader.load(ManifestParser.parse(noK), bundled().toString(), null))
            .scene();
    assertEquals(IntrinsicsSource.default_fov, s.getIntrinsicsSource());
    double hfov =
        Math.toDegrees(
            2 * Math.atan((730 / 2.0) / s.getIntrinsics().getFx())); // 60 deg across the long side
    assertEquals(60.0, hfov, 1e-6);
  }

  @Test
  void exifFocalLengthGivesIntrinsicsWhenTheManifestHasNone(@TempDir Path dir) throws Exception {
    // a 730x530 depth map of zeros (all holes) beside a JPEG whose EXIF says 28 mm equivalent
    Files.write(
        dir.resolve("img.jpg"),
        dev.spatialvqa.core.testing.TestImages.jpegWithExif(730, 530, 1, 28));
    ImageIO.write(
        new BufferedImage(730, 530, BufferedImage.TYPE_USHORT_GRAY),
        "png",
        new File(dir.toFile(), "d.png"));
    ManifestEntry e =
        ManifestParser.parse(
            "{\"scene_id\":\"exif\",\"image\":\"img.jpg\",\"depth\":\"d.png\",\"depth_scale_m\":0.001}");
    PerceivedScene s =
        ((SceneLoader.Scene) loader.load(e, dir.resolve("m.jsonl").toString(), null)).scene();
    assertEquals(IntrinsicsSource.exif, s.getIntrinsicsSource());
    double expected = 28 / Math.hypot(36, 24) * Math.hypot(730, 530);
    assertEquals(expected, s.getIntrinsics().getFx(), 1e-6);
  }
}
