package dev.spatialvqa.core.ingest;

/**
 * What {@link ImageProbe} learned about a decodable image.
 *
 * @param format the format read from the magic bytes
 * @param width width after EXIF orientation (display width)
 * @param height height after EXIF orientation
 * @param exifOrientation EXIF orientation 1..8 (1 when absent)
 * @param focalLength35mm EXIF FocalLengthIn35mmFilm in mm, or null
 */
public record ProbeResult(
    ImageFormat format, int width, int height, int exifOrientation, Double focalLength35mm) {}
