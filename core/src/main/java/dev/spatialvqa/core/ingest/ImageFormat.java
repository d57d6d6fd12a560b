package dev.spatialvqa.core.ingest;

import java.util.Locale;
import java.util.Set;

/** The image formats the engine accepts, recognised by magic bytes and by content type. */
public enum ImageFormat {
  JPEG("jpeg", "jpg", Set.of("image/jpeg", "image/jpg", "image/pjpeg")),
  PNG("png", "png", Set.of("image/png", "image/x-png")),
  WEBP("webp", "webp", Set.of("image/webp")),
  GIF("gif", "gif", Set.of("image/gif")),
  BMP("bmp", "bmp", Set.of("image/bmp", "image/x-ms-bmp", "image/x-bmp"));

  private final String id;
  private final String extension;
  private final Set<String> contentTypes;

  ImageFormat(String id, String extension, Set<String> contentTypes) {
    this.id = id;
    this.extension = extension;
    this.contentTypes = contentTypes;
  }

  /** The name used in records ({@code jpeg}, {@code png}, ...). */
  public String id() {
    return id;
  }

  /** File extension without the dot. */
  public String extension() {
    return extension;
  }

  /** The format whose magic bytes start {@code b}, or null. */
  public static ImageFormat sniff(byte[] b) {
    if (b == null) {
      return null;
    }
    if (b.length >= 3 && (b[0] & 0xff) == 0xff && (b[1] & 0xff) == 0xd8 && (b[2] & 0xff) == 0xff) {
      return JPEG;
    }
    if (b.length >= 8
        && (b[0] & 0xff) == 0x89
        && b[1] == 'P'
        && b[2] == 'N'
        && b[3] == 'G'
        && b[4] == 0x0d
        && b[5] == 0x0a
        && b[6] == 0x1a
        && b[7] == 0x0a) {
      return PNG;
    }
    if (b.length >= 12
        && b[0] == 'R'
        && b[1] == 'I'
        && b[2] == 'F'
        && b[3] == 'F'
        && b[8] == 'W'
        && b[9] == 'E'
        && b[10] == 'B'
        && b[11] == 'P') {
      return WEBP;
    }
    if (b.length >= 6
        && b[0] == 'G'
        && b[1] == 'I'
        && b[2] == 'F'
        && b[3] == '8'
        && (b[4] == '7' || b[4] == '9')
        && b[5] == 'a') {
      return GIF;
    }
    if (b.length >= 14 && b[0] == 'B' && b[1] == 'M') {
      return BMP;
    }
    return null;
  }

  /**
   * Checks a response's Content-Type against the sniffed format. A missing or generic type ({@code
   * application/octet-stream}, {@code binary/octet-stream}) defers to the bytes; any other type
   * must name the same format.
   *
   * @return null when they agree, otherwise a description of the disagreement
   */
  public String disagreement(String contentType) {
    if (contentType == null || contentType.isBlank()) {
      return null;
    }
    String t = contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
    if (t.isEmpty() || t.equals("application/octet-stream") || t.equals("binary/octet-stream")) {
      return null;
    }
    if (contentTypes.contains(t)) {
      return null;
    }
    return "Content-Type " + t + " but the bytes are " + id;
  }
}
