package dev.spatialvqa.transforms.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spatialvqa.core.testing.LoopbackImageServer;
import dev.spatialvqa.core.testing.TestImages;
import dev.spatialvqa.schemas.DeadLetter;
import dev.spatialvqa.schemas.FetchedImage;
import dev.spatialvqa.transforms.errors.CountAs;
import dev.spatialvqa.transforms.errors.DeadLetters;
import dev.spatialvqa.transforms.errors.Ledger;
import dev.spatialvqa.transforms.errors.RunLedger;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.testing.TestPipelineExtension;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.joda.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The image entry end to end on the DirectRunner: every input ends as image, filter or dead letter.
 */
class IngestImagesIT {
  @RegisterExtension
  final transient TestPipelineExtension pipeline = TestPipelineExtension.create();

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
  void urlsFileBalancesTheLedger(TestPipeline p, @TempDir Path dir) throws IOException {
    Path file = dir.resolve("crawl.jsonl");
    Files.writeString(
        file,
        String.join(
                "\n",
                "{\"url\":\""
                    + server.url("/img/photo.jpg")
                    + "\",\"caption\":\"a photo\",\"source\":\"t\"}",
                server.url("/img/photo.png"),
                "",
                server.url("/img/photo.jpg?again"),
                "{\"url\": broken json",
                "{\"caption\":\"no url\"}",
                "ftp://example.com/a.jpg",
                "{\"url\":\"" + server.url("/bad/slow") + "\"}",
                "{\"url\":\"" + server.url("/redirect/loop") + "\"}",
                "{\"url\":\"" + server.url("/bad/jpeg-as-png") + "\"}",
                "http://127.0.0.1:" + server.port() + "/img/photo.jpg")
            + "\n");

    PCollectionTuple out =
        p.apply(
            "Ingest", IngestImages.from("urls", file.toString()).withFetchConfig(FetchIT.config()));
    PCollection<FetchedImage> images =
        out.get(IngestImages.IMAGES).apply("CountImages", CountAs.counter(Ledger.OUT + "images"));
    PAssert.that(
            images.apply(
                "Urls",
                MapElements.into(TypeDescriptors.strings()).via((FetchedImage i) -> i.getFormat())))
        .containsInAnyOrder("jpeg", "png");
    PAssert.that(
            out.get(DeadLetters.TAG)
                .apply(
                    "Reasons",
                    MapElements.into(TypeDescriptors.strings())
                        .via((DeadLetter d) -> d.getReason() + "@" + d.getInputRef().getLine())))
        .containsInAnyOrder(
            "malformed_record@5",
            "missing_url@6",
            "unsupported_scheme@7",
            "timeout@null",
            "too_many_redirects@null",
            "content_type_mismatch@null",
            "ssrf_refused@null");

    PipelineResult r = p.run();
    r.waitUntilFinish();
    RunLedger ledger = RunLedger.of(r, "images");
    assertEquals(10, ledger.inputs(), ledger.toJson());
    assertEquals(2, ledger.finished());
    assertEquals(1, ledger.get("filtered.duplicate_image"));
    assertEquals(7, ledger.deadLetterTotal());
    assertTrue(ledger.balanced(), ledger.balanceLine());
  }

  @Test
  void watchReadsJsonLinesAndTarShards(TestPipeline p, @TempDir Path dir) throws IOException {
    Files.writeString(
        dir.resolve("part-0.jsonl"),
        "{\"url\":\"" + server.url("/img/photo.webp") + "\"}\nnot a url line\n");
    byte[] jpeg = TestImages.jpeg(64, 48, 11);
    ByteArrayOutputStream tar = new ByteArrayOutputStream();
    try (TarArchiveOutputStream t = new TarArchiveOutputStream(tar)) {
      add(t, "000000.jpg", jpeg);
      add(
          t,
          "000000.json",
          ("{\"url\":\"https://example.com/x.jpg\",\"caption\":\"a chair\",\"key\":\"000000\"}")
              .getBytes(StandardCharsets.UTF_8));
      add(t, "000001.png", TestImages.png(32, 32, 4));
      add(t, "000001.txt", "a caption from txt".getBytes(StandardCharsets.UTF_8));
      add(t, "000002.jpg", TestImages.truncated(jpeg));
      add(
          t,
          "000003.json",
          "{\"url\":\"https://example.com/failed.jpg\"}".getBytes(StandardCharsets.UTF_8));
      add(t, "000004.jpg", jpeg); // same bytes as 000000: a duplicate
    }
    Files.write(dir.resolve("shard-00000.tar"), tar.toByteArray());
    Files.writeString(
        dir.resolve("shard-00000_stats.json"), "{\n  \"count\": 5\n}\n"); // not an input

    PCollectionTuple out =
        p.apply(
            "Ingest",
            IngestImages.from("watch", dir.resolve("*").toString())
                .withFetchConfig(FetchIT.config())
                .withPollInterval(Duration.millis(100))
                .withStopAfterIdle(Duration.millis(500)));
    PCollection<FetchedImage> images =
        out.get(IngestImages.IMAGES).apply("CountImages", CountAs.counter(Ledger.OUT + "images"));
    PAssert.that(
            images.apply(
                "Captions",
                MapElements.into(TypeDescriptors.strings())
                    .via((FetchedImage i) -> i.getUrl() + "|" + i.getCaption())))
        .containsInAnyOrder(
            "https://example.com/x.jpg|a chair",
            dir.resolve("shard-00000.tar") + "#000001|a caption from txt",
            server.url("/img/photo.webp") + "|null");
    PAssert.that(
            out.get(DeadLetters.TAG)
                .apply(
                    "Reasons",
                    MapElements.into(TypeDescriptors.strings())
                        .via((DeadLetter d) -> d.getStage() + "/" + d.getReason())))
        .containsInAnyOrder(
            "parse_record/bad_url", "read_shard/undecodable", "read_shard/not_an_image");

    PipelineResult r = p.run();
    r.waitUntilFinish();
    RunLedger ledger = RunLedger.of(r, "images");
    assertEquals(2 + 5, ledger.inputs(), ledger.toJson());
    assertEquals(1, ledger.get("filtered.duplicate_image"));
    assertEquals(1, ledger.get("watch.skipped_files"));
    assertTrue(ledger.balanced(), ledger.balanceLine());
  }

  private static void add(TarArchiveOutputStream t, String name, byte[] data) throws IOException {
    TarArchiveEntry e = new TarArchiveEntry(name);
    e.setSize(data.length);
    t.putArchiveEntry(e);
    t.write(data);
    t.closeArchiveEntry();
  }

  @Test
  void pubsubIsConstructedButCannotRunHere() {
    // No Pub/Sub emulator is reachable on these machines: only the graph's construction is tested.
    Pipeline p = Pipeline.create(PipelineOptionsFactory.create());
    PCollectionTuple out =
        p.apply("Ingest", IngestImages.from("pubsub", "projects/my-project/subscriptions/crawl"));
    assertTrue(out.has(IngestImages.IMAGES));
    assertEquals(PCollection.IsBounded.UNBOUNDED, out.get(IngestImages.IMAGES).isBounded());
    assertThrows(IllegalArgumentException.class, () -> IngestImages.from("pubsub", "crawl"));
    assertThrows(IllegalArgumentException.class, () -> IngestImages.from("kafka", "no-topic"));
    assertThrows(IllegalArgumentException.class, () -> IngestImages.from("ftp", "x"));
    List<String> kinds = IngestImages.KINDS;
    assertEquals(List.of("urls", "watch", "kafka", "pubsub"), kinds);
  }
}
