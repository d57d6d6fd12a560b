package dev.spatialvqa.core.perceive;

/**
 * Metric depth at the image's own size (metres, row-major), and the focal length in image pixels
 * when the model predicts one (null otherwise).
 */
public record DepthPrediction(int width, int height, float[] metres, Double fxPx, Double fyPx) {}
