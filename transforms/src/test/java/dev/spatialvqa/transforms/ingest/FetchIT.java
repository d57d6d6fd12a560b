package dev.spatialvqa.transforms.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spatialvqa.core.ingest.CrawlRecord;
import dev.spatialvqa.core.ingest.FetchConfig;
import dev.spatialvqa.core.testing.LoopbackImageServer;
import dev.spatialvqa.schemas.DeadLetter;
import dev.spatialvqa.schemas.FetchedImage;
import dev.spatialvqa.transforms.errors.DeadLetters;
import dev.spatialvqa.transforms.errors.RunLedger;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.coders.SerializableCoder;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.testing.TestPipelineExtension;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class FetchIT {
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

  static FetchConfig config() {
    return FetchConfig.defaults()
        .withAllowNetworks(List.of("127.0.0.2/32"))
        .withReadTimeoutMillis(1_000)
        .withMaxBytes(2L << 20)
        .withRetryBackoffMillis(5);
  }

  @Test
  void fetchesABatchConcurrentlyWithinThePerHostLimit(TestPipeline p) {
    List<CrawlRecord> in = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      in.add(new CrawlRecord(server.url("/held/" + i), null, null, null));
    }
    PCollectionTuple out =
        p.apply("Records", Create.of(in).withCoder(SerializableCoder.of(CrawlRecord.class)))
            .apply(
                "Fetch",
                Fetch.with(config().withPerHostConcurrency(4)).withConcurrency(8).withoutDedupe());
    PAssert.that(
            out.get(Fetch.IMAGES)
                .apply(
                    "Urls",
                    MapElements.into(TypeDescriptors.strings())
                        .via((FetchedImage i) -> i.getUrl())))
        .containsInAnyOrder(in.stream().map(CrawlRecord::url).toList());
    p.run().waitUntilFinish();
    // each request is held 100 ms by the server: a batch of 8 overlaps, but never beyond 4 per host
    assertTrue(server.maxInFlight() >= 2, "in flight at once: " + server.maxInFlight());
    assertTrue(server.maxInFlight() <= 4, "in flight at once: " + server.maxInFlight());
  }

  @Test
  void fetchesImagesDropsDuplicatesAndDeadLettersTheRest(TestPipeline p) {
    List<CrawlRecord> in = new ArrayList<>();
    in.add(new CrawlRecord(server.url("/img/photo.jpg"), "a photo", "test", null));
    in.add(
        new CrawlRecord(
            server.url("/img/photo.jpg?copy=1"), "same bytes", "test", null)); // duplicate
    in.add(
        new CrawlRecord(server.url("/redirect/2"), null, null, null)); // duplicate after redirects
    in.add(new CrawlRecord(server.url("/img/photo.png"), null, null, null));
    in.add(new CrawlRecord(server.url("/img/photo.webp"), null, null, null));
    in.add(new CrawlRecord(server.url("/bad/truncated.jpg"), null, null, null));
    in.add(new CrawlRecord(server.url("/bad/html-as-jpeg"), null, null, null));
    in.add(new CrawlRecord(server.url("/bad/bomb.png"), null, null, null));
    in.add(new CrawlRecord(server.url("/status/404"), null, null, null));
    in.add(new CrawlRecord("http://127.0.0.1:9/img.jpg", null, null, null));
    in.add(new CrawlRecord("http://169.254.169.254/latest/meta-data/", null, null, null));

    PCollection<CrawlRecord> records =
        p.apply("Records", Create.of(in).withCoder(SerializableCoder.of(CrawlRecord.class)));
    PCollectionTuple out = records.apply("Fetch", Fetch.with(config()));
    PCollection<String> formats =
        out.get(Fetch.IMAGES)
            .apply(
                "Formats",
                MapElements.into(TypeDescriptors.strings()).via((FetchedImage i) -> i.getFormat()));
    PAssert.that(formats).containsInAnyOrder("jpeg", "png", "webp");
    PCollection<String> reasons =
        out.get(DeadLetters.TAG)
            .apply(
                "Reasons",
                MapElements.into(TypeDescriptors.strings())
                    .via((DeadLetter d) -> d.getStage() + "/" + d.getReason()));
    PAssert.that(reasons)
        .containsInAnyOrder(
            "fetch/undecodable",
            "fetch/not_an_image",
            "fetch/pixel_bomb",
            "fetch/http_404",
            "fetch/ssrf_refused",
            "fetch/ssrf_refused");

    PipelineResult result = p.run();
    result.waitUntilFinish();
    RunLedger ledger = RunLedger.of(result, "images");
    assertEquals(2, ledger.get("filtered.duplicate_image"));
    assertEquals(2, ledger.get("dead.ssrf_refused"));
    assertEquals(6, ledger.deadLetterTotal());
    assertEquals(3 + 2 + 6, in.size());
  }
}
