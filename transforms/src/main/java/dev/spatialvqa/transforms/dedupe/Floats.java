package dev.spatialvqa.transforms.dedupe;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import org.apache.beam.sdk.coders.Coder;
import org.checkerframework.checker.nullness.qual.Nullable;

/** Encoding helpers for the dedupe coders. */
final class Floats {
  private Floats() {}

  /** Length (int) then the values as big-endian float32, written in one block. */
  static void encode(float[] v, OutputStream out) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(4 + 4 * v.length);
    b.putInt(v.length);
    b.asFloatBuffer().put(v);
    out.write(b.array());
  }

  static float[] decode(InputStream in) throws IOException {
    DataInputStream d = new DataInputStream(in);
    int n = d.readInt();
    if (n < 0) {
      throw new IOException("negative embedding length " + n);
    }
    byte[] bytes = new byte[4 * n];
    d.readFully(bytes);
    float[] v = new float[n];
    ByteBuffer.wrap(bytes).asFloatBuffer().get(v);
    return v;
  }

  static <T> void encodeNullable(Coder<T> coder, @Nullable T value, OutputStream out)
      throws IOException {
    out.write(value == null ? 0 : 1);
    if (value != null) {
      coder.encode(value, out);
    }
  }

  static <T> @Nullable T decodeNullable(Coder<T> coder, InputStream in) throws IOException {
    int flag = in.read();
    if (flag < 0) {
      throw new IOException("unexpected end of stream");
    }
    return flag == 0 ? null : coder.decode(in);
  }
}
