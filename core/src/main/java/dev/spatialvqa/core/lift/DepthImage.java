package dev.spatialvqa.core.lift;

/**
 * A metric depth map: z along the optical axis in metres, row-major {@code width*height}. Values
 * that are 0, negative or not finite are holes (no reading).
 */
public record DepthImage(int width, int height, float[] metres) {
  public DepthImage {
    if (width <= 0 || height <= 0) {
      throw new IllegalArgumentException(
          "depth size must be positive, got " + width + "x" + height);
    }
    if (metres.length != width * height) {
      throw new IllegalArgumentException(
          "depth has " + metres.length + " values, expected width*height = " + (width * height));
    }
  }
}
