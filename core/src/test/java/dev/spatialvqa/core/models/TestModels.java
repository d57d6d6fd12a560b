package dev.spatialvqa.core.models;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Tiny graphs with the real exports' signatures, and specs pointing at them. */
public final class TestModels {
  private TestModels() {}

  /**
   * CLIP vision stand-in: image_embeds[n, k] = mean of channel (k mod 3) of pixel_values, so a test
   * can read back the per-channel mean of the preprocessed input.
   */
  public static Path clipVision(Path dir) throws IOException {
    float[] w = new float[3 * 512];
    for (int k = 0; k < 512; k++) {
      w[(k % 3) * 512 + k] = 1f;
    }
    return OnnxGraph.create()
        .input("pixel_values", OnnxGraph.FLOAT, -1, 3, 224, 224)
        .floats("w", w, 3, 512)
        .node("ReduceMean", "pixel_values", "m", "axes", new long[] {2, 3}, "keepdims", 0L)
        .node("MatMul", new String[] {"m", "w"}, new String[] {"image_embeds"})
        .output("image_embeds", OnnxGraph.FLOAT, -1, 512)
        .write(dir.resolve("clip_vision.onnx"));
  }

  public static ModelSpec spec(String name, ModelRole role, Path file) {
    return new ModelSpec(
        name, role, new FileRef(file.toString(), ModelResolver.sha256(file)), null);
  }

  public static ModelSpec spec(String name, ModelRole role, Path file, Path tokenizer) {
    return new ModelSpec(
        name,
        role,
        new FileRef(file.toString(), ModelResolver.sha256(file)),
        new FileRef(tokenizer.toString(), ModelResolver.sha256(tokenizer)));
  }

  public static Path copyResource(String resource, Path target) throws IOException {
    try (var in = TestModels.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IOException("no resource " + resource);
      }
      Files.createDirectories(target.getParent());
      Files.copy(in, target);
    }
    return target;
  }
}
