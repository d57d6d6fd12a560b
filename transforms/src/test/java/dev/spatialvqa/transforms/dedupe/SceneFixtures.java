package dev.spatialvqa.transforms.dedupe;

import dev.spatialvqa.schemas.Intrinsics;
import dev.spatialvqa.schemas.IntrinsicsSource;
import dev.spatialvqa.schemas.PerceivedScene;
import dev.spatialvqa.schemas.Provenance;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/** Minimal perceived scenes carrying only what scene dedupe reads (id, hashes, embedding). */
final class SceneFixtures {
  private SceneFixtures() {}

  static PerceivedScene scene(String id, String contentHash, Long phash, float[] clip) {
    List<Float> c = null;
    if (clip != null) {
      c = new ArrayList<>();
      for (float x : clip) {
        c.add(x);
      }
    }
    return PerceivedScene.newBuilder()
        .setSceneId(id)
        .setImageUri("file:///images/" + id + ".jpg")
        .setContentHash(contentHash)
        .setWidth(1)
        .setHeight(1)
        .setIntrinsics(new Intrinsics(1.0, 1.0, 0.5, 0.5))
        .setIntrinsicsSource(IntrinsicsSource.given)
        .setDepthM(ByteBuffer.allocate(4))
        .setObjects(List.of())
        .setPhash(phash)
        .setClipEmbedding(c)
        .setProvenance(Provenance.newBuilder().setEngineVersion("test").build())
        .build();
  }

  /** A 64-bit hash with the lowest {@code bits} bits of {@code h} flipped. */
  static long flip(long h, int bits) {
    return h ^ ((1L << bits) - 1);
  }
}
