package dev.spatialvqa.core.dedupe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spatialvqa.core.image.RgbImage;
import java.awt.image.BufferedImage;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/**
 * Planted copies of the real test scenes (re-encoded at JPEG quality 0.7 and 0.5, resized to half
 * and 1.5x, cropped 5% off the sides, watermarked) stay within {@link #MAX_COPY}; distinct scenes
 * (the five real scenes, and 300 synthetic layouts) are farther than the dedupe threshold.
 */
class PerceptualHashTest {
  static final String[] REAL = {
    "/sunrgbd-dev/sunrgbd-000001/image.jpg",
    "/sunrgbd-dev/sunrgbd-000002/image.jpg",
    "/sunrgbd-gravity-dev/sunrgbd-kv2_0000144/image.jpg",
    "/kitti-dev/kitti-000001/image.png",
    "/kitti-dev/kitti-000134/image.png"
  };

  static BufferedImage read(String res) throws Exception {
    try (InputStream in = PerceptualHashTest.class.getResourceAsStream(res)) {
      return ImageIO.read(in);
    }
  }

  static long hash(BufferedImage img) {
    return PerceptualHash.of(RgbImage.of(img));
  }

  static long hashOfBytes(byte[] b) throws Exception {
    return PerceptualHash.of(RgbImage.decode(b, 1));
  }

  @Test
  void plantedCopiesAreCloseAndDistinctScenesFar() throws Exception {
    int threshold = ImageDedupeConfig.defaults().maxHammingDistance();
    List<Long> originals = new ArrayList<>();
    int worstCopy = 0;
    for (String r : REAL) {
      BufferedImage img = read(r);
      long h = hash(img);
      originals.add(h);
      int[] d = {
        PerceptualHash.distance(h, hashOfBytes(ImageVariants.jpeg(img, 0.7f))),
        PerceptualHash.distance(h, hashOfBytes(ImageVariants.jpeg(img, 0.5f))),
        PerceptualHash.distance(h, hash(ImageVariants.resize(img, 0.5))),
        PerceptualHash.distance(h, hash(ImageVariants.resize(img, 1.5))),
        PerceptualHash.distance(h, hash(ImageVariants.crop(img, 0.05, 0.5))),
        PerceptualHash.distance(h, hash(ImageVariants.watermark(img, "(c) example.com"))),
        PerceptualHash.distance(
            h, hashOfBytes(ImageVariants.jpeg(ImageVariants.resize(img, 0.6), 0.7f))),
      };
      System.out.println(r + " copies at distances " + java.util.Arrays.toString(d));
      for (int x : d) {
        worstCopy = Math.max(worstCopy, x);
        assertTrue(x <= threshold, r + ": a planted copy at distance " + x + " > " + threshold);
      }
    }
    int closestDistinct = 64;
    for (int i = 0; i < 300; i++) {
      originals.add(hash(ImageVariants.synthetic(1000 + i, 160, 120)));
    }
    for (int i = 0; i < originals.size(); i++) {
      for (int j = i + 1; j < originals.size(); j++) {
        closestDistinct =
            Math.min(closestDistinct, PerceptualHash.distance(originals.get(i), originals.get(j)));
      }
    }
    System.out.println("worst copy " + worstCopy + ", closest distinct " + closestDistinct);
    assertTrue(closestDistinct > threshold, "distinct scenes at distance " + closestDistinct);
  }

  @Test
  void identicalImagesHashEqualAndVectorCosineMatchesDistance() throws Exception {
    BufferedImage img = read(REAL[0]);
    assertEquals(hash(img), hash(img));
    long a = hash(img);
    long b = a ^ 0b1011L;
    float[] va = PerceptualHash.asVector(a);
    float[] vb = PerceptualHash.asVector(b);
    double dot = 0;
    double na = 0;
    for (int i = 0; i < 64; i++) {
      dot += va[i] * vb[i];
      na += va[i] * va[i];
    }
    assertEquals(1.0, na, 1e-6);
    assertEquals(PerceptualHash.cosineAtDistance(3), dot, 1e-6);
    assertEquals(1 - 3 / 64.0, PerceptualHash.similarity(a, b), 1e-12);
  }

  @Test
  void hashIsBalancedAroundTheMedian() throws Exception {
    // median split: 32 bits set (ties aside)
    int bits = Long.bitCount(hash(read(REAL[1])));
    assertTrue(bits >= 30 && bits <= 34, "bits set " + bits);
  }
}
