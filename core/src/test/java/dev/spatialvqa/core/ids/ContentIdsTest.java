package dev.spatialvqa.core.ids;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ContentIdsTest {
  // FIPS 180-2 test vectors
  private static final String ABC =
      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
  private static final String EMPTY =
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

  @Test
  void knownVectors() throws Exception {
    assertEquals(ABC, ContentIds.sha256Hex("abc"));
    assertEquals(ABC, ContentIds.sha256Hex("abc".getBytes(StandardCharsets.UTF_8)));
    assertEquals(
        ABC,
        ContentIds.sha256Hex(new ByteArrayInputStream("abc".getBytes(StandardCharsets.UTF_8))));
    assertEquals(EMPTY, ContentIds.sha256Hex(new byte[0]));
    assertEquals(ABC, ContentIds.hex(ContentIds.sha256("abc")));
  }

  @Test
  void streamsLongerThanTheBufferHashLikeTheirBytes() throws Exception {
    byte[] big = new byte[200_000];
    for (int i = 0; i < big.length; i++) {
      big[i] = (byte) (i * 31);
    }
    assertEquals(ContentIds.sha256Hex(big), ContentIds.sha256Hex(new ByteArrayInputStream(big)));
    assertArrayEquals(ContentIds.sha256(big), ContentIds.sha256(big.clone()));
  }
}
