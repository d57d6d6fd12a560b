package dev.spatialvqa.core.perceive;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Greedy non-maximum suppression. */
public final class Nms {
  private Nms() {}

  /**
   * Keeps regions best-first, dropping any whose IoU with a kept region of the same caption exceeds
   * {@code iou}; at most {@code max} survive.
   */
  public static List<Region> perCaption(List<Region> regions, double iou, int max) {
    List<Region> sorted = new ArrayList<>(regions);
    sorted.sort(Comparator.comparingDouble(Region::score).reversed());
    List<Region> kept = new ArrayList<>();
    for (Region r : sorted) {
      boolean suppressed = false;
      for (Region k : kept) {
        if (k.caption().equals(r.caption()) && k.iou(r) > iou) {
          suppressed = true;
          break;
        }
      }
      if (!suppressed) {
        kept.add(r);
        if (kept.size() == max) {
          break;
        }
      }
    }
    return kept;
  }
}
