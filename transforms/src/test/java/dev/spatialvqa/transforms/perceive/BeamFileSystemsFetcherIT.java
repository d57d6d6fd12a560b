package dev.spatialvqa.transforms.perceive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BeamFileSystemsFetcherIT {
  @TempDir Path dir;

  @Test
  void fetchesThroughBeamFileSystems() throws Exception {
    FileSystems.setDefaultPipelineOptions(PipelineOptionsFactory.create());
    BeamFileSystemsFetcher f = new BeamFileSystemsFetcher();
    assertTrue(f.supports("gs://bucket/models/depth.onnx"));
    assertFalse(f.supports("https://host/m.onnx"));
    assertFalse(f.supports("/local/path.onnx"));

    Path src = Files.writeString(dir.resolve("m.onnx"), "model bytes");
    Path out = dir.resolve("copy.onnx");
    f.fetch(src.toUri().toString(), out);
    assertEquals("model bytes", Files.readString(out));
  }
}
