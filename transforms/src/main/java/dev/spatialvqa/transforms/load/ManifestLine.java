package dev.spatialvqa.transforms.load;

import java.util.Objects;
import org.apache.beam.sdk.coders.DefaultCoder;
import org.apache.beam.sdk.extensions.avro.coders.AvroCoder;

/** One non-blank line of a scene manifest, with where it came from. */
@DefaultCoder(AvroCoder.class)
public final class ManifestLine {
  private String manifestUri;
  private long lineNumber;
  private String text;

  @org.apache.avro.reflect.Nullable private String tooLongMessage;

  /** For the coder. */
  @SuppressWarnings("unused")
  private ManifestLine() {}

  public ManifestLine(String manifestUri, long lineNumber, String text) {
    this.manifestUri = manifestUri;
    this.lineNumber = lineNumber;
    this.text = text;
  }

  /** A line over the length cap: only why it was not kept (a {@code line_too_long} dead letter). */
  public static ManifestLine tooLong(String manifestUri, long lineNumber, String message) {
    ManifestLine m = new ManifestLine(manifestUri, lineNumber, "");
    m.tooLongMessage = message;
    return m;
  }

  /** Why the line's text was not kept, or null. */
  public String tooLongMessage() {
    return tooLongMessage;
  }

  /** The manifest file's URI; relative paths in the line resolve against its folder. */
  public String manifestUri() {
    return manifestUri;
  }

  /** 1-based line number. */
  public long lineNumber() {
    return lineNumber;
  }

  public String text() {
    return text;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ManifestLine m
        && lineNumber == m.lineNumber
        && manifestUri.equals(m.manifestUri)
        && text.equals(m.text);
  }

  @Override
  public int hashCode() {
    return Objects.hash(manifestUri, lineNumber, text);
  }

  @Override
  public String toString() {
    return manifestUri + ":" + lineNumber;
  }
}
