package dev.spatialvqa.core.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.spatialvqa.core.testing.TestImages;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ImageProbeTest {
  private final ImageProbe probe = new ImageProbe(40_000_000L);

  @Test
  void measuresJpegPngAndWebp() throws Exception {
    ProbeResult j = probe.probe(TestImages.jpeg(120, 80, 1));
    assertEquals(new ProbeResult(ImageFormat.JPEG, 120, 80, 1, null), j);
    assertEquals(
        new ProbeResult(ImageFormat.PNG, 64, 32, 1, null), probe.probe(TestImages.png(64, 32, 1)));
    assertEquals(
        new ProbeResult(ImageFormat.WEBP, 96, 64, 1, null), probe.probe(TestImages.webp()));
    assertEquals(
        new ProbeResult(ImageFormat.WEBP, 96, 64, 1, null), probe.probe(TestImages.webpLossless()));
  }

  @Test
  void decodesCmykJpegThroughTwelveMonkeys() throws Exception {
    ProbeResult r = probe.probe(TestImages.cmykJpeg(64, 48));
    assertEquals(ImageFormat.JPEG, r.format());
    assertEquals(64, r.width());
    assertEquals(48, r.height());
  }

  @Test
  void appliesExifOrientationAndReadsFocalLength() throws Exception {
    ProbeResult rotated = probe.probe(TestImages.jpegWithExif(200, 100, 6, 28));
    assertEquals(6, rotated.exifOrientation());
    assertEquals(100, rotated.width());
    assertEquals(200, rotated.height());
    assertEquals(28.0, rotated.focalLength35mm());
    ProbeResult upright = probe.probe(TestImages.jpegWithExif(200, 100, 3, 0));
    assertEquals(200, upright.width());
    assertEquals(3, upright.exifOrientation());
    assertNull(upright.focalLength35mm());
  }

  @Test
  void refusesAPixelBombFromTheHeaderAlone() {
    byte[] bomb = TestImages.pngBomb(20_000); // 400 megapixels in a few tens of kB
    FetchException e = assertThrows(FetchException.class, () -> probe.probe(bomb));
    assertEquals(FetchException.PIXEL_BOMB, e.reason(), e.getMessage());
  }

  @Test
  void rejectsTruncatedCorruptAndNonImages() {
    assertReason(FetchException.UNDECODABLE, TestImages.truncated(TestImages.jpeg(320, 240, 3)));
    assertReason(FetchException.UNDECODABLE, TestImages.truncated(TestImages.png(320, 240, 3)));
    assertReason(FetchException.UNDECODABLE, TestImages.corruptPng());
    assertReason(
        FetchException.NOT_AN_IMAGE, "<html>hello</html>".getBytes(StandardCharsets.UTF_8));
    assertReason(FetchException.EMPTY_BODY, new byte[0]);
  }

  @Test
  void contentTypeMustAgreeWithMagicBytes() {
    assertNull(ImageFormat.JPEG.disagreement("image/jpeg; charset=binary"));
    assertNull(ImageFormat.JPEG.disagreement(null));
    assertNull(ImageFormat.PNG.disagreement("application/octet-stream"));
    assertEquals(
        "Content-Type image/png but the bytes are jpeg",
        ImageFormat.JPEG.disagreement("image/png"));
    assertEquals(
        "Content-Type text/html but the bytes are webp",
        ImageFormat.WEBP.disagreement("text/html"));
  }

  private void assertReason(String reason, byte[] bytes) {
    FetchException e = assertThrows(FetchException.class, () -> probe.probe(bytes));
    assertEquals(reason, e.reason(), e.getMessage());
  }
}
