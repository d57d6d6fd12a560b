package dev.spatialvqa.pipelines.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spatialvqa.core.ingest.FetchConfig;
import dev.spatialvqa.pipelines.options.SpatialVqaOptions;
import java.util.List;
import org.joda.time.Duration;
import org.junit.jupiter.api.Test;

class ImageIngestTest {
  private static SpatialVqaOptions opts(String... extra) {
    List<String> args = new java.util.ArrayList<>(List.of("--input=urls:x.txt", "--output=/tmp/o"));
    args.addAll(List.of(extra));
    return JobRunner.options(args);
  }

  @Test
  void readsIngestOptionsIntoPlainValues() {
    SpatialVqaOptions o =
        opts(
            "--until=fetch",
            "--allowNetworks=127.0.0.2/32, 10.1.0.0/16",
            "--windowSize=90s",
            "--maxImagePixels=1000000",
            "--perHostConcurrency=8",
            "--readTimeoutMs=1500");
    assertTrue(ImageIngest.untilFetch(o));
    FetchConfig c = ImageIngest.fetchConfig(o);
    assertEquals(List.of("127.0.0.2/32", "10.1.0.0/16"), c.allowNetworks());
    assertEquals(1_000_000L, c.maxPixels());
    assertEquals(8, c.perHostConcurrency());
    assertEquals(1500, c.readTimeoutMillis());
    assertEquals(Duration.standardSeconds(90), ImageIngest.windowSize(o));
    assertEquals("images", SpatialVqaPipeline.lastStage(o));
    assertTrue(SpatialVqaPipeline.isBounded(o));
  }

  @Test
  void defaultsAndValidation() {
    SpatialVqaOptions o = opts();
    assertFalse(ImageIngest.untilFetch(o));
    assertEquals(Duration.standardMinutes(1), ImageIngest.windowSize(o));
    assertEquals(List.of(), ImageIngest.fetchConfig(o).allowNetworks());
    assertEquals(Duration.millis(500), ImageIngest.duration("x", "500ms"));
    assertEquals(Duration.standardDays(1), ImageIngest.duration("x", "1d"));
    assertEquals(Duration.standardSeconds(7), ImageIngest.duration("x", "7"));
    assertThrows(IllegalArgumentException.class, () -> ImageIngest.duration("windowSize", "soon"));
    assertThrows(IllegalArgumentException.class, () -> ImageIngest.duration("windowSize", "0s"));
    assertThrows(
        IllegalArgumentException.class,
        () -> ImageIngest.fetchConfig(opts("--allowNetworks=10.0.0.0/40")));
    assertThrows(
        IllegalArgumentException.class,
        () -> ImageIngest.fetchConfig(opts("--perHostConcurrency=0")));
    assertThrows(IllegalArgumentException.class, () -> ImageIngest.untilFetch(opts("--until=qa")));
    assertFalse(
        SpatialVqaPipeline.isBounded(
            JobRunner.options(List.of("--input=kafka:h:9092/t", "--output=/tmp/o"))));
  }
}
