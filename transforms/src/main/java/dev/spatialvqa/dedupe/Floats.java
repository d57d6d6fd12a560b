package dev.spatialvqa.dedupe;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.beam.sdk.coders.Coder;
import org.checkerframework.checker.nullness.qual.Nullable;

/** Encoding helpers for the dedupe coders. */
final class Floats {
  private Floats() {}

  static void encode(float[] v, OutputStream out) throws IOException {
    DataOutputStream d = new DataOutputStream(out);
    d.writeInt(v.length);
    for (float f : v) {
      d.writeFloat(f);
    }
    d.flush();
  }

  static float[] decode(InputStream in) throws IOException {
    DataInputStream d = new DataInputStream(in);
    int n = d.readInt();
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = d.readFloat();
    }
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
