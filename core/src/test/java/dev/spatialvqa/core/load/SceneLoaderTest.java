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
    // a 730x530 flat depth map at 2 m beside a JPEG whose EXIF says 28 mm equivalent
    Files.write(
        dir.resolve("img.jpg"),
        dev.spatialvqa.core.testing.TestImages.jpegWithExif(730, 530, 1, 28));
    BufferedImage flat = new BufferedImage(730, 530, BufferedImage.TYPE_USHORT_GRAY);
    for (int y = 0; y < 530; y++) {
      for (int x = 0; x < 730; x++) {
        flat.getRaster().setSample(x, y, 0, 2000);
      }
    }
    ImageIO.write(flat, "png", new File(dir.toFile(), "d.png"));
    ManifestEntry e =
        ManifestParser.parse(
            "{\"scene_id\":\"exif\",\"image\":\"img.jpg\",\"depth\":\"d.png\",\"depth_scale_m\":0.001}");
    PerceivedScene s =
        ((SceneLoader.Scene) loader.load(e, dir.resolve("m.jsonl").toString(), null)).scene();
    assertEquals(IntrinsicsSource.exif, s.getIntrinsicsSource());
    double expected = 28 / Math.hypot(36, 24) * Math.hypot(730, 530);
    assertEquals(expected, s.getIntrinsics().getFx(), 1e-6);
  }

  /** Line 0 of the bundled manifest with absolute paths and one field replaced. */
  private static ManifestEntry with(String field, Object value) throws Exception {
    com.fasterxml.jackson.databind.ObjectMapper json =
        new com.fasterxml.jackson.databind.ObjectMapper();
    com.fasterxml.jackson.databind.node.ObjectNode n =
        (com.fasterxml.jackson.databind.node.ObjectNode) json.readTree(line(0));
    for (String f : new String[] {"image", "depth", "instances"}) {
      n.put(f, bundled().getParent().resolve(n.get(f).asText()).toString());
    }
    if (value instanceof Double d) {
      n.put(field, d);
    } else {
      n.put(field, value.toString());
    }
    return ManifestParser.parse(json.writeValueAsString(n));
  }

  private InputException refused(ManifestEntry e) {
    return assertThrows(InputException.class, () -> loader.load(e, bundled().toString(), null));
  }

  @Test
  void anEightBitOrColourDepthMapIsRefused(@TempDir Path dir) throws Exception {
    BufferedImage d16 =
        ImageIO.read(bundled().getParent().resolve("sunrgbd-000001/depth_mm.png").toFile());
    BufferedImage d8 =
        new BufferedImage(d16.getWidth(), d16.getHeight(), BufferedImage.TYPE_BYTE_GRAY);
    d8.getGraphics().drawImage(d16, 0, 0, null);
    File f = dir.resolve("d8.png").toFile();
    ImageIO.write(d8, "png", f);
    InputException e = refused(with("depth", f.toString()));
    assertEquals("bad_depth", e.reason());
    assertTrue(e.getMessage().contains("8-bit"), e.getMessage());
    InputException c =
        refused(with("depth", bundled().getParent().resolve("sunrgbd-000001/image.jpg")));
    assertEquals("bad_depth", c.reason());
    assertTrue(c.getMessage().contains("3 channels"), c.getMessage());
  }

  @Test
  void aWrongDepthScaleIsRefusedByTheMedianDepth() throws Exception {
    InputException metres = refused(with("depth_scale_m", 1.0)); // millimetres read as metres
    assertEquals("implausible_depth", metres.reason());
    assertTrue(metres.getMessage().contains("check depth_scale_m"), metres.getMessage());
    assertEquals("implausible_depth", refused(with("depth_scale_m", 0.00001)).reason());
  }

  @Test
  void anRgbInstanceMapOrOneWithoutTheObjectsIdsIsRefused(@TempDir Path dir) throws Exception {
    BufferedImage inst =
        ImageIO.read(bundled().getParent().resolve("sunrgbd-000001/instances.png").toFile());
    BufferedImage rgb =
        new BufferedImage(inst.getWidth(), inst.getHeight(), BufferedImage.TYPE_INT_RGB);
    rgb.getGraphics().drawImage(inst, 0, 0, null);
    File f = dir.resolve("rgb.png").toFile();
    ImageIO.write(rgb, "png", f);
    assertEquals("bad_instances", refused(with("instances", f.toString())).reason());
    BufferedImage blank =
        new BufferedImage(inst.getWidth(), inst.getHeight(), BufferedImage.TYPE_BYTE_GRAY);
    for (int x = 0; x < 50; x++) {
      blank.getRaster().setSample(x, 0, 0, 200); // ids 200: no object has it
    }
    File b = dir.resolve("other.png").toFile();
    ImageIO.write(blank, "png", b);
    InputException e = refused(with("instances", b.toString()));
    assertEquals("instances_mismatch", e.reason());
    assertTrue(e.getMessage().contains("[200]"), e.getMessage());
  }

  @Test
  void aDeviceADirectoryAndAnEndlessFileAreRefusedNotRead(@TempDir Path dir) throws Exception {
    InputException zero = refused(with("image", "/dev/zero"));
    assertEquals("not_a_file", zero.reason());
    InputException folder = refused(with("image", dir.toString()));
    assertEquals("not_a_file", folder.reason());
    assertTrue(folder.getMessage().contains("is a directory"), folder.getMessage());
    InputException big =
        assertThrows(
            InputException.class,
            () ->
                BlobReader.readCapped(
                    new java.io.InputStream() {
                      @Override
                      public int read() {
                        return 0;
                      }

                      @Override
                      public int read(byte[] b, int off, int len) {
                        return len;
                      }
                    },
                    "endless",
                    1 << 20));
    assertEquals("too_large", big.reason());
  }

  @Test
  void aTextFileGivenAsAnImageIsNotQuoted(@TempDir Path dir) throws Exception {
    Path secret = dir.resolve("passwd");
    Files.writeString(secret, "root:x:0:0:root:/root:/bin/bash\n");
    InputException e = refused(with("image", secret.toString()));
    assertEquals("undecodable_image", e.reason());
    assertTrue(!e.getMessage().contains("root"), e.getMessage());
    assertTrue(e.getMessage().contains("looks like text"), e.getMessage());
  }
}
