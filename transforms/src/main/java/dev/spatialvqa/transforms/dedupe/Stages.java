package dev.spatialvqa.transforms.dedupe;

import dev.spatialvqa.core.dedupe.KeptSet;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CustomCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.checkerframework.checker.nullness.qual.Nullable;

/** The internal records that flow between the stages of {@link DedupeEmbeddings}, and coders. */
final class Stages {
  private Stages() {}

  /** One element routed to one band key. Only band 0 carries the payload. */
  static final class BandProbe<T> {
    final String id;
    final @Nullable String group;
    final int band;
    final float[] embedding;
    final @Nullable T payload;

    BandProbe(String id, @Nullable String group, int band, float[] embedding, @Nullable T payload) {
      this.id = id;
      this.group = group;
      this.band = band;
      this.embedding = embedding;
      this.payload = payload;
    }
  }

  /** One band key's verdict on one element: new in this key, or a match of a kept entry. */
  static final class Verdict<T> {
    final int band;
    final @Nullable String keptId;
    final long keptTimestamp;
    final double similarity;

    /** The key's window had already expired: the element could not be compared here. */
    final boolean tooLate;

    final @Nullable T payload;

    Verdict(
        int band,
        @Nullable String keptId,
        long keptTimestamp,
        double similarity,
        boolean tooLate,
        @Nullable T payload) {
      this.band = band;
      this.keptId = keptId;
      this.keptTimestamp = keptTimestamp;
      this.similarity = similarity;
      this.tooLate = tooLate;
      this.payload = payload;
    }
  }

  static final class BandProbeCoder<T> extends CustomCoder<BandProbe<T>> {
    private static final long serialVersionUID = 1L;
    private final Coder<T> payloadCoder;

    BandProbeCoder(Coder<T> payloadCoder) {
      this.payloadCoder = payloadCoder;
    }

    @Override
    public void encode(BandProbe<T> v, OutputStream out) throws IOException {
      StringUtf8Coder.of().encode(v.id, out);
      Floats.encodeNullable(StringUtf8Coder.of(), v.group, out);
      DataOutputStream d = new DataOutputStream(out);
      d.writeInt(v.band);
      d.flush();
      Floats.encode(v.embedding, out);
      Floats.encodeNullable(payloadCoder, v.payload, out);
    }

    @Override
    public BandProbe<T> decode(InputStream in) throws IOException {
      String id = StringUtf8Coder.of().decode(in);
      String group = Floats.decodeNullable(StringUtf8Coder.of(), in);
      int band = new DataInputStream(in).readInt();
      float[] e = Floats.decode(in);
      return new BandProbe<>(id, group, band, e, Floats.decodeNullable(payloadCoder, in));
    }
  }

  static final class VerdictCoder<T> extends CustomCoder<Verdict<T>> {
    private static final long serialVersionUID = 1L;
    private final Coder<T> payloadCoder;

    VerdictCoder(Coder<T> payloadCoder) {
      this.payloadCoder = payloadCoder;
    }

    @Override
    public void encode(Verdict<T> v, OutputStream out) throws IOException {
      DataOutputStream d = new DataOutputStream(out);
      d.writeInt(v.band);
      d.writeBoolean(v.keptId != null);
      if (v.keptId != null) {
        d.writeUTF(v.keptId);
      }
      d.writeLong(v.keptTimestamp);
      d.writeDouble(v.similarity);
      d.writeBoolean(v.tooLate);
      d.flush();
      Floats.encodeNullable(payloadCoder, v.payload, out);
    }

    @Override
    public Verdict<T> decode(InputStream in) throws IOException {
      DataInputStream d = new DataInputStream(in);
      int band = d.readInt();
      String kept = d.readBoolean() ? d.readUTF() : null;
      long ts = d.readLong();
      double sim = d.readDouble();
      boolean tooLate = d.readBoolean();
      return new Verdict<>(band, kept, ts, sim, tooLate, Floats.decodeNullable(payloadCoder, in));
    }
  }

  /** Coder of one key's state: entries (id, timestamp, embedding) in insertion order. */
  static final class KeptSetCoder extends CustomCoder<KeptSet> {
    private static final long serialVersionUID = 1L;

    @Override
    public void encode(KeptSet s, OutputStream out) throws IOException {
      DataOutputStream d = new DataOutputStream(out);
      d.writeInt(s.size());
      for (KeptSet.Entry e : s.entries()) {
        d.writeUTF(e.id);
        d.writeBoolean(e.group != null);
        if (e.group != null) {
          d.writeUTF(e.group);
        }
        d.writeLong(e.timestampMillis);
        d.flush();
        Floats.encode(e.embedding, out);
      }
      d.flush();
    }

    @Override
    public KeptSet decode(InputStream in) throws IOException {
      DataInputStream d = new DataInputStream(in);
      int n = d.readInt();
      List<KeptSet.Entry> entries = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        String id = d.readUTF();
        String group = d.readBoolean() ? d.readUTF() : null;
        long ts = d.readLong();
        float[] e = Floats.decode(in);
        entries.add(new KeptSet.Entry(id, group, ts, e));
      }
      return new KeptSet(entries);
    }
  }
}
