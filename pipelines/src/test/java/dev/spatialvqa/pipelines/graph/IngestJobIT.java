package dev.spatialvqa.pipelines.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spatialvqa.core.ids.ContentIds;
import dev.spatialvqa.core.testing.LoopbackImageServer;
import dev.spatialvqa.schemas.DeadLetter;
import dev.spatialvqa.schemas.ImageRecord;
import dev.spatialvqa.transforms.errors.RunLedger;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Ingest-only runs ({@code --until=fetch}) through the real job graph and sinks. */
class IngestJobIT {
  static LoopbackImageServer server;

  @BeforeAll
  static void start() {
    server = LoopbackImageServer.start("127.0.0.2");
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void urlsUntilFetchWritesImagesBlobsAndABalancedLedger(@TempDir Path dir) throws Exception {
    Path crawl = dir.resolve("crawl.jsonl");
    Files.writeString(
        crawl,
        String.join(
                "\n",
                "{\"url\":\"" + server.url("/img/photo.jpg") + "\",\"caption\":\"a photo\"}",
                server.url("/img/photo.webp"),
                server.url("/img/exif.jpg"),
                server.url("/img/photo.jpg?dup"),
                "{\"url\":",
                server.url("/bad/bomb.png"),
                "http://127.0.0.1:" + server.port() + "/img/photo.jpg")
            + "\n");
    Path out = dir.resolve("out");
    RunLedger ledger =
        JobRunner.run(
            JobRunner.options(
                List.of(
                    "--input=urls:" + crawl,
                    "--output=" + out,
                    "--until=fetch",
                    "--allowNetworks=127.0.0.2/32",
                    "--readTimeoutMs=2000")),
            false,
            new PrintStream(new ByteArrayOutputStream()));

    assertTrue(ledger.balanced(), ledger.balanceLine());
    assertEquals(7, ledger.inputs());
    assertEquals(3, ledger.finished());
    assertEquals(1, ledger.get("filtered.duplicate_image"));
    assertTrue(Files.exists(out.resolve("summary.json")));
    // an ingest-only run has no QA, hence no mixture to account (no all-zero mixture.json)
    assertTrue(!Files.exists(out.resolve("mixture.json")), "mixture.json of an ingest-only run");
    assertTrue(
        Files.readString(out.resolve("summary.json")).contains("\"last_stage\" : \"images\""));

    List<ImageRecord> images = Outputs.read(out.resolve("images"), ImageRecord.class);
    assertEquals(
        Set.of("jpeg", "webp"),
        images.stream().map(ImageRecord::getFormat).collect(Collectors.toSet()));
    assertEquals(3, images.size());
    for (ImageRecord r : images) {
      Path blob = Path.of(r.getImageUri());
      assertEquals(
          out.resolve("images")
              .resolve("blobs")
              .resolve(
                  r.getContentHash()
                      + "."
                      + (r.getFormat().equals("jpeg") ? "jpg" : r.getFormat())),
          blob);
      assertEquals(r.getContentHash(), ContentIds.sha256Hex(Files.readAllBytes(blob)));
      assertEquals(r.getSizeBytes(), Files.size(blob));
    }
    ImageRecord exif =
        images.stream().filter(r -> r.getExifOrientation() == 6).findFirst().orElseThrow();
    assertEquals(100, exif.getWidth());
    assertEquals(200, exif.getHeight());
    Set<String> reasons =
        Outputs.read(out.resolve("deadletters"), DeadLetter.class).stream()
            .map(DeadLetter::getReason)
            .collect(Collectors.toSet());
    assertEquals(Set.of("malformed_record", "pixel_bomb", "ssrf_refused"), reasons);
  }

  @Test
  void imageInputsWithoutUntilFetchFailAtStartUpNamingTheModels(@TempDir Path dir)
      throws Exception {
    Path crawl = dir.resolve("crawl.jsonl");
    Files.writeString(crawl, server.url("/held/startup") + "\n");
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                JobRunner.run(
                    JobRunner.options(
                        List.of("--input=urls:" + crawl, "--output=" + dir.resolve("o"))),
                    false,
                    new PrintStream(new ByteArrayOutputStream())));
    assertTrue(e.getMessage().contains("perception models"), e.getMessage());
    assertTrue(e.getMessage().contains("--until=fetch"), e.getMessage());
    assertEquals(0, server.hits("/held/startup"));

    IllegalArgumentException m =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                JobRunner.run(
                    JobRunner.options(
                        List.of(
                            "--input=manifest:" + crawl,
                            "--output=" + dir.resolve("o2"),
                            "--until=fetch")),
                    false,
                    new PrintStream(new ByteArrayOutputStream())));
    assertTrue(m.getMessage().contains("--until=fetch applies to image inputs"), m.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () ->
            JobRunner.run(
                JobRunner.options(
                    List.of(
                        "--input=urls:" + crawl,
                        "--output=" + dir.resolve("o3"),
                        "--until=perceive")),
                false,
                new PrintStream(new ByteArrayOutputStream())));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            JobRunner.run(
                JobRunner.options(
                    List.of(
                        "--input=urls:" + crawl,
                        "--output=" + dir.resolve("o4"),
                        "--until=fetch",
                        "--allowNetworks=localhost/8")),
                false,
                new PrintStream(new ByteArrayOutputStream())));
  }
}
