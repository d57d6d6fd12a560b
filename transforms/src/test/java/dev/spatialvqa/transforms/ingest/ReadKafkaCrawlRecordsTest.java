package dev.spatialvqa.transforms.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.joda.time.Duration;
import org.junit.jupiter.api.Test;

class ReadKafkaCrawlRecordsTest {
  @Test
  void aCommittedGroupSurvivesTheOtherSettings() {
    ReadKafkaCrawlRecords r =
        ReadKafkaCrawlRecords.from("127.0.0.1:9092/crawl")
            .withCommittedGroup("spatialvqa")
            .withMaxDelay(Duration.standardSeconds(5))
            .withMaxNumRecords(3);
    assertEquals("spatialvqa", r.committedGroup());
    assertEquals("crawl", r.topic());
    assertNull(ReadKafkaCrawlRecords.from("127.0.0.1:9092/crawl").committedGroup());
  }

  @Test
  void aBlankGroupIsRefused() {
    ReadKafkaCrawlRecords r = ReadKafkaCrawlRecords.from("127.0.0.1:9092/crawl");
    assertThrows(IllegalArgumentException.class, () -> r.withCommittedGroup(" "));
    assertThrows(IllegalArgumentException.class, () -> r.withCommittedGroup(null));
    assertThrows(
        IllegalArgumentException.class,
        () -> IngestImages.from("kafka", "127.0.0.1:9092/crawl").withKafkaGroupId(""));
  }
}
