package dev.spatialvqa.core.ids;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The project's one content-id helper: SHA-256 of bytes, text (UTF-8) or a stream. Ids are content
 * hashes so that retries, dedupe and exactly-once sinks agree; every id in the engine's records is
 * made here (image content hashes, QA ids, model file checksums, tokenizer and mix-line refs).
 */
public final class ContentIds {
  private static final HexFormat HEX = HexFormat.of();

  private ContentIds() {}

  /** Raw SHA-256 digest of {@code bytes}. */
  public static byte[] sha256(byte[] bytes) {
    return digest().digest(bytes);
  }

  /** Raw SHA-256 digest of {@code text} as UTF-8. */
  public static byte[] sha256(String text) {
    return sha256(text.getBytes(StandardCharsets.UTF_8));
  }

  /** Lower-case hex SHA-256 of {@code bytes} (64 characters). */
  public static String sha256Hex(byte[] bytes) {
    return HEX.formatHex(sha256(bytes));
  }

  /** Lower-case hex SHA-256 of {@code text} as UTF-8 (64 characters). */
  public static String sha256Hex(String text) {
    return sha256Hex(text.getBytes(StandardCharsets.UTF_8));
  }

  /** Lower-case hex SHA-256 of everything {@code in} yields (read to its end, not closed). */
  public static String sha256Hex(InputStream in) throws IOException {
    MessageDigest md = digest();
    byte[] buf = new byte[1 << 16];
    int n;
    while ((n = in.read(buf)) > 0) {
      md.update(buf, 0, n);
    }
    return HEX.formatHex(md.digest());
  }

  /** Lower-case hex of {@code bytes}. */
  public static String hex(byte[] bytes) {
    return HEX.formatHex(bytes);
  }

  private static MessageDigest digest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every Java platform", e);
    }
  }
}
