package dev.spatialvqa.transforms.mix;

import dev.spatialvqa.schemas.QaRecord;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Comparator;
import java.util.Objects;
import org.apache.beam.sdk.coders.BigEndianLongCoder;
import org.apache.beam.sdk.coders.BooleanCoder;
import org.apache.beam.sdk.coders.CustomCoder;
import org.apache.beam.sdk.coders.NullableCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.extensions.avro.coders.AvroCoder;

/**
 * One input of the mix gate with its token count: a spatial QA, or a general-mix record (tokens
 * only). Immutable. {@code window} is the start of the gate window it is assigned to ({@link
 * #NO_TIME} for elements without an event time), set when the gate buffers it.
 */
final class MixEvent {
  /** Window key of elements without event time (bounded inputs): one window, decided at the end. */
  static final long NO_TIME = Long.MIN_VALUE;

  /** Admission order: event time, then QA id (never arrival order). */
  static final Comparator<MixEvent> ORDER =
      Comparator.comparingLong((MixEvent e) -> e.eventTime)
          .thenComparing(e -> e.qa == null ? "" : e.qa.getQaId());

  final boolean spatial;
  final long eventTime;
  final long tokens;
  final QaRecord qa;
  final String source;
  final long window;

  private MixEvent(
      boolean spatial, long eventTime, long tokens, QaRecord qa, String source, long window) {
    this.spatial = spatial;
    this.eventTime = eventTime;
    this.tokens = tokens;
    this.qa = qa;
    this.source = source;
    this.window = window;
  }

  static MixEvent spatial(QaRecord qa, long tokens) {
    return new MixEvent(true, NO_TIME, tokens, Objects.requireNonNull(qa), null, NO_TIME);
  }

  static MixEvent general(String source, long tokens) {
    return new MixEvent(false, NO_TIME, tokens, null, source, NO_TIME);
  }

  MixEvent at(long eventTimeMillis, long windowStart) {
    return new MixEvent(spatial, eventTimeMillis, tokens, qa, source, windowStart);
  }

  /** Coder: flag, event time, tokens, window, nullable QA (Avro), nullable source. */
  static final class Coder extends CustomCoder<MixEvent> {
    private static final long serialVersionUID = 1L;
    private static final NullableCoder<QaRecord> QA =
        NullableCoder.of(AvroCoder.specific(QaRecord.class));
    private static final NullableCoder<String> STR = NullableCoder.of(StringUtf8Coder.of());

    static Coder of() {
      return new Coder();
    }

    @Override
    public void encode(MixEvent e, OutputStream out) throws IOException {
      BooleanCoder.of().encode(e.spatial, out);
      BigEndianLongCoder.of().encode(e.eventTime, out);
      VarLongCoder.of().encode(e.tokens, out);
      BigEndianLongCoder.of().encode(e.window, out);
      QA.encode(e.qa, out);
      STR.encode(e.source, out);
    }

    @Override
    public MixEvent decode(InputStream in) throws IOException {
      boolean spatial = BooleanCoder.of().decode(in);
      long ts = BigEndianLongCoder.of().decode(in);
      long tokens = VarLongCoder.of().decode(in);
      long window = BigEndianLongCoder.of().decode(in);
      QaRecord qa = QA.decode(in);
      String source = STR.decode(in);
      return new MixEvent(spatial, ts, tokens, qa, source, window);
    }

    @Override
    public void verifyDeterministic() {}

    @Override
    public boolean equals(Object o) {
      return o instanceof Coder;
    }

    @Override
    public int hashCode() {
      return Coder.class.hashCode();
    }
  }
}
