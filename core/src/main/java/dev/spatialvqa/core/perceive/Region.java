package dev.spatialvqa.core.perceive;

/** A proposed object region: pixel box (x0, y0, x1, y1) in image pixels, a caption and a score. */
public record Region(double x0, double y0, double x1, double y1, String caption, double score) {
  public double area() {
    return Math.max(0, x1 - x0) * Math.max(0, y1 - y0);
  }

  public double iou(Region o) {
    double ix = Math.max(0, Math.min(x1, o.x1) - Math.max(x0, o.x0));
    double iy = Math.max(0, Math.min(y1, o.y1) - Math.max(y0, o.y0));
    double inter = ix * iy;
    double union = area() + o.area() - inter;
    return union <= 0 ? 0 : inter / union;
  }
}
