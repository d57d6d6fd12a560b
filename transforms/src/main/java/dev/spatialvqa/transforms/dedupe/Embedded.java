package dev.spatialvqa.transforms.dedupe;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.Objects;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CustomCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * An element with a precomputed unit-length embedding: what {@link DedupeEmbeddings} works on.
 * {@code id} names the element in {@code DuplicateRecord}s (a content hash: qa_id, image hash).
 */
public final class Embedded<T> {
  private final String id;
  private final @Nullable String group;
  private final float[] embedding;
  private final @Nullable T payload;

  private Embedded(String id, @Nullable String group, float[] embedding, @Nullable T payload) {
    this.id = Objects.requireNonNull(id, "id");
    this.group = group;
    this.embedding = Objects.requireNonNull(embedding, "embedding");
    this.payload = payload;
  }

  public static <T> Embedded<T> of(String id, float[] embedding, @Nullable T payload) {
    return new Embedded<>(id, null, embedding, payload);
  }

  /**
   * An element of a group whose members are never duplicates of each other (QA records of one scene
   * are distinct questions about one image, however alike their texts).
   */
  public static <T> Embedded<T> of(
      String id, @Nullable String group, float[] embedding, @Nullable T payload) {
    return new Embedded<>(id, group, embedding, payload);
  }

  public String id() {
    return id;
  }

  public @Nullable String group() {
    return group;
  }

  /** The embedding (not copied: do not mutate). */
  public float[] embedding() {
    return embedding;
  }

  public @Nullable T payload() {
    return payload;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    if (!(o instanceof Embedded)) {
      return false;
    }
    Embedded<?> e = (Embedded<?>) o;
    return id.equals(e.id)
        && Objects.equals(group, e.group)
        && Arrays.equals(embedding, e.embedding)
        && Objects.equals(payload, e.payload);
  }

  @Override
  public int hashCode() {
    return Objects.hash(id, Arrays.hashCode(embedding), payload);
  }

  @Override
  public String toString() {
    return "Embedded{" + id + ", dim=" + embedding.length + "}";
  }

  /** Coder: id, embedding (length + float32 values), nullable payload. */
  public static final class EmbeddedCoder<T> extends CustomCoder<Embedded<T>> {
    private static final long serialVersionUID = 1L;
    private final Coder<T> payloadCoder;

    private EmbeddedCoder(Coder<T> payloadCoder) {
      this.payloadCoder = payloadCoder;
    }

    public static <T> EmbeddedCoder<T> of(Coder<T> payloadCoder) {
      return new EmbeddedCoder<>(payloadCoder);
    }

    @Override
    public void encode(Embedded<T> value, OutputStream out) throws IOException {
      StringUtf8Coder.of().encode(value.id, out);
      Floats.encodeNullable(StringUtf8Coder.of(), value.group, out);
      Floats.encode(value.embedding, out);
      Floats.encodeNullable(payloadCoder, value.payload, out);
    }

    @Override
    public Embedded<T> decode(InputStream in) throws IOException {
      String id = StringUtf8Coder.of().decode(in);
      String group = Floats.decodeNullable(StringUtf8Coder.of(), in);
      float[] e = Floats.decode(in);
      return new Embedded<>(id, group, e, Floats.decodeNullable(payloadCoder, in));
    }

    @Override
    public void verifyDeterministic() throws NonDeterministicException {
      payloadCoder.verifyDeterministic();
    }
  }
}
