package dev.spatialvqa.transforms.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spatialvqa.core.ingest.CrawlRecord;
import dev.spatialvqa.core.ingest.SourceLine;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.beam.sdk.coders.SerializableCoder;
import org.apache.beam.sdk.io.kafka.CustomTimestampPolicyWithLimitedDelay;
import org.apache.beam.sdk.io.kafka.KafkaIO;
import org.apache.beam.sdk.io.kafka.KafkaRecord;
import org.apache.beam.sdk.io.kafka.TimestampPolicyFactory;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.joda.time.Duration;
import org.joda.time.Instant;

/**
 * {@code kafka:BOOTSTRAP/TOPIC}: crawl records (one JSON object or bare URL per message value) from
 * Kafka with Beam's KafkaIO. Unbounded (bounded with {@link #withMaxNumRecords}, for tests).
 *
 * <p>Event time: the record's {@code crawl_time} when it parses, otherwise the Kafka record
 * timestamp; the watermark trails the largest event time seen by {@code maxDelay} ({@link
 * CustomTimestampPolicyWithLimitedDelay}). Starts from the earliest offset when the consumer group
 * has none. Each message becomes a {@link SourceLine} referenced as {@code
 * kafka://BOOTSTRAP/TOPIC/PARTITION@OFFSET} (parsed and counted by {@link ParseCrawlRecords}).
 */
public final class ReadKafkaCrawlRecords extends PTransform<PBegin, PCollection<SourceLine>> {
  private final String bootstrap;
  private final String topic;
  private final Duration maxDelay;
  private final Long maxNumRecords;
  private final Map<String, String> consumerConfig;
  private final boolean commitOffsets;

  private ReadKafkaCrawlRecords(
      String bootstrap,
      String topic,
      Duration maxDelay,
      Long maxNumRecords,
      Map<String, String> consumerConfig) {
    this(bootstrap, topic, maxDelay, maxNumRecords, consumerConfig, false);
  }

  private ReadKafkaCrawlRecords(
      String bootstrap,
      String topic,
      Duration maxDelay,
      Long maxNumRecords,
      Map<String, String> consumerConfig,
      boolean commitOffsets) {
    this.commitOffsets = commitOffsets;
    this.bootstrap = bootstrap;
    this.topic = topic;
    this.maxDelay = maxDelay;
    this.maxNumRecords = maxNumRecords;
    this.consumerConfig = consumerConfig;
  }

  /** From {@code BOOTSTRAP/TOPIC}, e.g. {@code broker1:9092,broker2:9092/crawl}. */
  public static ReadKafkaCrawlRecords from(String spec) {
    int slash = spec == null ? -1 : spec.lastIndexOf('/');
    if (slash <= 0 || slash == spec.length() - 1) {
      throw new IllegalArgumentException(
          "kafka input must be kafka:BOOTSTRAP/TOPIC (e.g. kafka:localhost:9092/crawl), got '"
              + spec
              + "'");
    }
    return new ReadKafkaCrawlRecords(
        spec.substring(0, slash),
        spec.substring(slash + 1),
        Duration.standardMinutes(1),
        null,
        Map.of());
  }

  public ReadKafkaCrawlRecords withMaxDelay(Duration d) {
    if (d == null || d.getMillis() < 0) {
      throw new IllegalArgumentException("maxDelay must be >= 0, got " + d);
    }
    return new ReadKafkaCrawlRecords(
        bootstrap, topic, d, maxNumRecords, consumerConfig, commitOffsets);
  }

  /** Stops after n records (a bounded read; tests). */
  public ReadKafkaCrawlRecords withMaxNumRecords(long n) {
    return new ReadKafkaCrawlRecords(bootstrap, topic, maxDelay, n, consumerConfig, commitOffsets);
  }

  /** Extra consumer properties (e.g. {@code group.id}, security settings). */
  public ReadKafkaCrawlRecords withConsumerConfig(Map<String, String> extra) {
    Map<String, String> m = new HashMap<>(consumerConfig);
    m.putAll(extra);
    return new ReadKafkaCrawlRecords(
        bootstrap, topic, maxDelay, maxNumRecords, Map.copyOf(m), commitOffsets);
  }

  /**
   * Reads as consumer group {@code group} and commits the offsets of each finalized checkpoint to
   * Kafka ({@code KafkaIO.commitOffsetsInFinalize}): the group's committed offsets then trail what
   * the runner has durably checkpointed, and its lag is what is left to read.
   */
  public ReadKafkaCrawlRecords withCommittedGroup(String group) {
    if (group == null || group.isBlank()) {
      throw new IllegalArgumentException("kafka group id must not be blank");
    }
    Map<String, String> m = new HashMap<>(consumerConfig);
    m.put(ConsumerConfig.GROUP_ID_CONFIG, group);
    return new ReadKafkaCrawlRecords(
        bootstrap, topic, maxDelay, maxNumRecords, Map.copyOf(m), true);
  }

  public String bootstrap() {
    return bootstrap;
  }

  public String topic() {
    return topic;
  }

  /** The consumer group whose offsets are committed on finalized checkpoints, or null. */
  public String committedGroup() {
    return commitOffsets ? consumerConfig.get(ConsumerConfig.GROUP_ID_CONFIG) : null;
  }

  @Override
  public PCollection<SourceLine> expand(PBegin input) {
    Map<String, Object> cfg = new HashMap<>();
    cfg.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    cfg.putAll(consumerConfig);
    Duration delay = maxDelay;
    TimestampPolicyFactory<byte[], String> policy =
        (tp, previous) ->
            new CustomTimestampPolicyWithLimitedDelay<>(new EventTime(), delay, previous);
    KafkaIO.Read<byte[], String> read =
        KafkaIO.<byte[], String>read()
            .withBootstrapServers(bootstrap)
            .withTopic(topic)
            .withKeyDeserializer(ByteArrayDeserializer.class)
            .withValueDeserializer(StringDeserializer.class)
            .withConsumerConfigUpdates(cfg)
            .withTimestampPolicyFactory(policy);
    if (commitOffsets) {
      read = read.commitOffsetsInFinalize();
    }
    if (maxNumRecords != null) {
      read = read.withMaxNumRecords(maxNumRecords);
    }
    return input
        .apply("ReadKafka", read)
        .apply("ToLines", ParDo.of(new ToLineFn(bootstrap)))
        .setCoder(SerializableCoder.of(SourceLine.class));
  }

  /** crawl_time of the value when it has one, else the Kafka record timestamp. */
  static final class EventTime
      implements SerializableFunction<KafkaRecord<byte[], String>, Instant> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public Instant apply(KafkaRecord<byte[], String> r) {
      String v = r.getKV().getValue();
      if (v != null && v.stripLeading().startsWith("{")) {
        try {
          JsonNode n = JSON.readTree(v);
          Long t = CrawlRecord.fromJson(n).crawlTimeMillis();
          if (t != null) {
            return new Instant(t);
          }
        } catch (Exception e) {
          // malformed: the parser dead-letters it; its event time is the record's timestamp
        }
      }
      return new Instant(r.getTimestamp());
    }
  }

  static final class ToLineFn extends DoFn<KafkaRecord<byte[], String>, SourceLine> {
    private final String bootstrap;

    ToLineFn(String bootstrap) {
      this.bootstrap = bootstrap;
    }

    @ProcessElement
    public void process(@Element KafkaRecord<byte[], String> r, OutputReceiver<SourceLine> out) {
      String ref =
          "kafka://"
              + bootstrap
              + "/"
              + r.getTopic()
              + "/"
              + r.getPartition()
              + "@"
              + r.getOffset();
      out.output(new SourceLine(ref, null, Optional.ofNullable(r.getKV().getValue()).orElse("")));
    }
  }
}
