package dev.spatialvqa.core.perceive;

import dev.spatialvqa.core.models.ModelException;
import java.util.Arrays;
import java.util.List;

/**
 * Checks that a depth model's first predictions look like metric depth, and stops the run when they
 * do not. No signature tells a metric export from a relative one (Depth Anything V2's both map
 * {@code pixel_values} to {@code predicted_depth}); a relative model returns inverse relative depth
 * (large = near), which stored as metres swaps near and far. Two checks:
 *
 * <ul>
 *   <li><b>range</b>, on every prediction seen: finite, not negative, and at most the configured
 *       {@code max_depth} (a Depth Anything V2 Metric head outputs sigmoid x max_depth, so it never
 *       exceeds it);
 *   <li><b>ordering</b>, on the first {@link #SAMPLE} images: in photos the bottom of the frame
 *       (floor, ground) is nearer than the top; depth has a smaller median over the bottom quarter
 *       of rows than over the top quarter, inverse depth a larger one. When at least {@link
 *       #MIN_IMAGES} images were seen and more than {@link #INVERTED_SHARE} of them are ordered
 *       like inverse depth (bottom median more than 1.25x the top median), the run stops.
 * </ul>
 *
 * Not thread-safe: one per {@link DepthEstimator}.
 */
public final class DepthPlausibility {
  /** Images whose ordering is looked at (the first ones perceived). */
  public static final int SAMPLE = 8;

  /** Fewest images the ordering decision is taken on. */
  public static final int MIN_IMAGES = 4;

  /** Share of the sample ordered like inverse depth above which the run stops. */
  public static final double INVERTED_SHARE = 0.75;

  /** Ratio of bottom to top medians above which an image counts as ordered like inverse depth. */
  public static final double INVERTED_RATIO = 1.25;

  /** Thrown when predictions are not metric depth: stops the run (not a per-image dead letter). */
  public static final class NotMetricDepth extends ModelException {
    public NotMetricDepth(String message) {
      super(message);
    }
  }

  private final String model;
  private final double maxDepthM;
  private int seen;
  private int inverted;
  private boolean decided;

  /**
   * @param model the model's name for messages
   * @param maxDepthM the configured {@code max_depth} in metres
   */
  public DepthPlausibility(String model, double maxDepthM) {
    this.model = model;
    this.maxDepthM = maxDepthM;
  }

  /**
   * Checks a batch of predictions.
   *
   * @throws NotMetricDepth when they are out of range or, over the first images, ordered like
   *     inverse depth
   */
  public void check(List<DepthPrediction> batch) {
    for (DepthPrediction p : batch) {
      float[] d = p.metres();
      for (float v : d) {
        if (!Float.isFinite(v) || v < 0 || v > maxDepthM * 1.001) {
          throw new NotMetricDepth(
              "depth model '"
                  + model
                  + "' predicted "
                  + v
                  + " for a "
                  + p.width()
                  + "x"
                  + p.height()
                  + " image, outside [0, max_depth "
                  + maxDepthM
                  + " m]: this is not a Depth Anything V2 Metric model with this max_depth (a"
                  + " relative model outputs unbounded inverse depth). Check the depth entry's"
                  + " file and max_depth (20 for Metric-Indoor, 80 for Metric-Outdoor)");
        }
      }
      if (decided || seen >= SAMPLE) {
        continue;
      }
      double ratio = bottomOverTop(d, p.width(), p.height());
      if (Double.isNaN(ratio)) {
        continue; // too small to tell
      }
      seen++;
      if (ratio > INVERTED_RATIO) {
        inverted++;
      }
    }
    if (!decided && seen >= MIN_IMAGES) {
      if (inverted > INVERTED_SHARE * seen) {
        throw new NotMetricDepth(
            "depth model '"
                + model
                + "': in "
                + inverted
                + " of the first "
                + seen
                + " images the bottom of the frame is predicted farther than the top (median"
                + " ratio above "
                + INVERTED_RATIO
                + "), the ordering of inverse (relative) depth, not of metres. A relative model"
                + " (e.g. onnx-community/depth-anything-v2-small) cannot be used: configure a Depth"
                + " Anything V2 Metric export (see the README)");
      }
      if (seen >= SAMPLE) {
        decided = true;
      }
    }
  }

  /**
   * Median of the bottom quarter of rows over the median of the top quarter; infinite when only the
   * top median is 0, NaN for images under 4 rows or both medians 0.
   */
  static double bottomOverTop(float[] d, int w, int h) {
    int band = h / 4;
    if (band < 1 || w < 1) {
      return Double.NaN;
    }
    double top = median(d, 0, band * w);
    double bottom = median(d, (h - band) * w, h * w);
    if (top <= 0) {
      // inverse depth puts the sky at 0; metric depth is never 0 over a quarter of the frame
      return bottom > 0 ? Double.POSITIVE_INFINITY : Double.NaN;
    }
    return bottom / top;
  }

  private static double median(float[] d, int from, int to) {
    float[] c = Arrays.copyOfRange(d, from, to);
    Arrays.sort(c);
    int n = c.length;
    return n % 2 == 1 ? c[n / 2] : 0.5 * (c[n / 2 - 1] + c[n / 2]);
  }
}
