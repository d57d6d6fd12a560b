package dev.spatialvqa.transforms.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spatialvqa.core.testing.LoopbackImageServer;
import dev.spatialvqa.schemas.DeadLetter;
import dev.spatialvqa.schemas.FetchedImage;
import dev.spatialvqa.transforms.errors.CountAs;
import dev.spatialvqa.transforms.errors.DeadLetters;
import dev.spatialvqa.transforms.errors.Ledger;
import dev.spatialvqa.transforms.errors.RunLedger;
import dev.spatialvqa.transforms.testing.KafkaBrokerExtension;
import java.util.List;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.testing.TestPipelineExtension;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.joda.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** kafka:BOOTSTRAP/TOPIC against a real in-process broker, bounded by a record count. */
class ReadKafkaCrawlRecordsIT {
  @RegisterExtension static final KafkaBrokerExtension kafka = new KafkaBrokerExtension();

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
  void readsRecordsWithEventTimeFromCrawlTimeAndDeadLettersMalformedOnes(TestPipeline p)
      throws Exception {
    kafka.createTopic("crawl", 1);
    kafka.produce(
        "crawl",
        List.of(
            "{\"url\":\""
                + server.url("/img/photo.jpg")
                + "\",\"caption\":\"c\",\"crawl_time\":\"2026-11-22T04:00:00Z\"}",
            server.url("/img/photo.png"),
            "{\"url\": oops",
            "{\"url\":\"" + server.url("/status/410") + "\",\"crawl_time\":1795320000000}"));

    PCollectionTuple out =
        p.apply(
            "Ingest",
            IngestImages.from("kafka", kafka.bootstrap() + "/crawl")
                .withFetchConfig(FetchIT.config())
                .withKafkaMaxRecords(4));
    PCollection<FetchedImage> images =
        out.get(IngestImages.IMAGES).apply("CountImages", CountAs.counter(Ledger.OUT + "images"));
    PAssert.that(images.apply("Times", ParDo.of(new TimeFn())))
        .containsInAnyOrder("jpeg@true", "png@-");
    PAssert.that(
            out.get(DeadLetters.TAG)
                .apply(
                    "Reasons",
                    MapElements.into(TypeDescriptors.strings())
                        .via(
                            (DeadLetter d) ->
                                d.getReason()
                                    + "|"
                                    + d.getInputRef()
                                        .getUri()
                                        .startsWith("kafka://" + kafka.bootstrap() + "/crawl/0@")
                                    + "|"
                                    + (d.getEventTime() == null
                                        ? "none"
                                        : d.getEventTime() == 1795320000000L
                                            ? "crawl_time"
                                            : "record_time"))))
        .containsInAnyOrder("malformed_record|true|record_time", "http_410|false|crawl_time");
    PipelineResult r = p.run();
    r.waitUntilFinish();
    RunLedger ledger = RunLedger.of(r, "images");
    assertEquals(4, ledger.inputs());
    assertTrue(ledger.balanced(), ledger.balanceLine());
  }

  /** format@(element timestamp == crawl_time), or format@- without a crawl time. */
  static final class TimeFn extends DoFn<FetchedImage, String> {
    @ProcessElement
    public void process(@Element FetchedImage i, @Timestamp Instant ts, OutputReceiver<String> o) {
      o.output(
          i.getFormat()
              + "@"
              + (i.getEventTime() == null ? "-" : ts.getMillis() == i.getEventTime()));
    }
  }

  @Test
  void rejectsABadSpec() {
    assertThrows(
        IllegalArgumentException.class, () -> ReadKafkaCrawlRecords.from("127.0.0.1:9092"));
    ReadKafkaCrawlRecords r = ReadKafkaCrawlRecords.from("h1:9092,h2:9092/crawl.images");
    assertEquals("h1:9092,h2:9092", r.bootstrap());
    assertEquals("crawl.images", r.topic());
  }
}
