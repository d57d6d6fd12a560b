package dev.spatialvqa.transforms.dedupe;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.spatialvqa.core.dedupe.KeptSet;
import dev.spatialvqa.transforms.dedupe.Stages.BandProbe;
import dev.spatialvqa.transforms.dedupe.Stages.Verdict;
import java.util.List;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.util.CoderUtils;
import org.junit.jupiter.api.Test;

class CodersTest {
  @Test
  void embeddedRoundTripsWithAndWithoutGroupAndPayload() throws Exception {
    Embedded.EmbeddedCoder<String> c = Embedded.EmbeddedCoder.of(StringUtf8Coder.of());
    Embedded<String> a = Embedded.of("id", "scene", new float[] {1f, -2.5f, 3e-7f}, "p");
    Embedded<String> b = Embedded.of("id2", new float[0], null);
    assertEquals(a, CoderUtils.clone(c, a));
    assertEquals(b, CoderUtils.clone(c, b));
  }

  @Test
  void internalRecordsRoundTrip() throws Exception {
    BandProbe<String> p = new BandProbe<>("x", "g", 3, new float[] {0.5f, 0.25f}, null);
    BandProbe<String> p2 = CoderUtils.clone(new Stages.BandProbeCoder<>(StringUtf8Coder.of()), p);
    assertEquals("x", p2.id);
    assertEquals("g", p2.group);
    assertEquals(3, p2.band);
    assertArrayEquals(p.embedding, p2.embedding);
    assertNull(p2.payload);

    Verdict<String> v = new Verdict<>(2, "k", 77L, 0.93, true, "pay");
    Verdict<String> v2 = CoderUtils.clone(new Stages.VerdictCoder<>(StringUtf8Coder.of()), v);
    assertEquals("k", v2.keptId);
    assertEquals(77L, v2.keptTimestamp);
    assertEquals(0.93, v2.similarity);
    assertEquals(true, v2.tooLate);
    assertEquals("pay", v2.payload);

    KeptSet s =
        new KeptSet(
            List.of(
                new KeptSet.Entry("a", null, 5L, new float[] {1, 0}),
                new KeptSet.Entry("b", "g", 6L, new float[] {0, 1})));
    KeptSet s2 = CoderUtils.clone(new Stages.KeptSetCoder(), s);
    assertEquals(2, s2.size());
    assertEquals("g", s2.entries().get(1).group);
    assertNull(s2.entries().get(0).group);
    assertArrayEquals(new float[] {0, 1}, s2.entries().get(1).embedding);
  }
}
