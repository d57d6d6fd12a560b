package dev.spatialvqa.core.lift;

/**
 * One 2D object to lift: a mask and/or a box.
 *
 * @param objectId stable id (the manifest's id when the input had one)
 * @param caption free-text caption
 * @param box2dXyxy 0-based pixel box {x0, y0, x1, y1}, or null
 * @param maskBits bit mask over the image, row-major width*height bits, LSB first within each byte
 *     (see {@link MaskBits}), or null for a box-only object
 */
public record ObjectInput(String objectId, String caption, double[] box2dXyxy, byte[] maskBits) {}
