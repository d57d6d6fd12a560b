package dev.spatialvqa.transforms.ingest;

import dev.spatialvqa.core.ingest.SourceLine;
import java.nio.charset.StandardCharsets;
import org.apache.beam.sdk.coders.SerializableCoder;
import org.apache.beam.sdk.io.gcp.pubsub.PubsubIO;
import org.apache.beam.sdk.io.gcp.pubsub.PubsubMessage;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;

/**
 * {@code pubsub:SUBSCRIPTION} ({@code projects/P/subscriptions/S}): crawl records (one JSON object
 * or bare URL per message) from Pub/Sub with Beam's PubsubIO, meant for Dataflow. Unbounded. Event
 * time is the publish time, or the attribute named by {@link #withTimestampAttribute} (publishers
 * may set {@code crawl_time} there). Each message becomes a {@link SourceLine} referenced as {@code
 * pubsub:SUBSCRIPTION#MESSAGE_ID}.
 */
public final class ReadPubsubCrawlRecords extends PTransform<PBegin, PCollection<SourceLine>> {
  private final String subscription;
  private final String timestampAttribute;

  private ReadPubsubCrawlRecords(String subscription, String timestampAttribute) {
    this.subscription = subscription;
    this.timestampAttribute = timestampAttribute;
  }

  public static ReadPubsubCrawlRecords from(String subscription) {
    if (subscription == null || !subscription.matches("projects/[^/]+/subscriptions/[^/]+")) {
      throw new IllegalArgumentException(
          "pubsub input must be pubsub:projects/PROJECT/subscriptions/NAME, got '"
              + subscription
              + "'");
    }
    return new ReadPubsubCrawlRecords(subscription, null);
  }

  public ReadPubsubCrawlRecords withTimestampAttribute(String attribute) {
    return new ReadPubsubCrawlRecords(subscription, attribute);
  }

  public String subscription() {
    return subscription;
  }

  @Override
  public PCollection<SourceLine> expand(PBegin input) {
    PubsubIO.Read<PubsubMessage> read =
        PubsubIO.readMessagesWithAttributesAndMessageId().fromSubscription(subscription);
    if (timestampAttribute != null) {
      read = read.withTimestampAttribute(timestampAttribute);
    }
    return input
        .apply("ReadPubsub", read)
        .apply("ToLines", ParDo.of(new ToLineFn(subscription)))
        .setCoder(SerializableCoder.of(SourceLine.class));
  }

  static final class ToLineFn extends DoFn<PubsubMessage, SourceLine> {
    private final String subscription;

    ToLineFn(String subscription) {
      this.subscription = subscription;
    }

    @ProcessElement
    public void process(@Element PubsubMessage m, OutputReceiver<SourceLine> out) {
      byte[] payload = m.getPayload();
      out.output(
          new SourceLine(
              "pubsub:" + subscription + "#" + m.getMessageId(),
              null,
              payload == null ? "" : new String(payload, StandardCharsets.UTF_8)));
    }
  }
}
