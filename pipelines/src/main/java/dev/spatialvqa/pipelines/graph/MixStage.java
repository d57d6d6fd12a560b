package dev.spatialvqa.pipelines.graph;

import dev.spatialvqa.core.mix.ExportLayout;
import dev.spatialvqa.core.mix.ReasoningFormat;
import dev.spatialvqa.core.mix.ShareRatio;
import dev.spatialvqa.pipelines.options.MixOptions;
import dev.spatialvqa.pipelines.options.SpatialVqaOptions;
import dev.spatialvqa.schemas.MixAccounting;
import dev.spatialvqa.schemas.QaRecord;
import dev.spatialvqa.transforms.mix.MixGate;
import dev.spatialvqa.transforms.mix.MixtureManifest;
import dev.spatialvqa.transforms.mix.ReadGeneralMix;
import dev.spatialvqa.transforms.mix.TokenizerSpec;
import dev.spatialvqa.transforms.sink.WriteAvro;
import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.transforms.windowing.AfterProcessingTime;
import org.apache.beam.sdk.transforms.windowing.GlobalWindows;
import org.apache.beam.sdk.transforms.windowing.Repeatedly;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.PCollection;
import org.joda.time.Duration;

/**
 * The mix gate in the main job: reads {@link MixOptions} once, attaches the general-mix source
 * ({@code --mixInput}) and writes the gate's side outputs ({@code OUTPUT/reserve/}, {@code
 * OUTPUT/accounting/}); {@code OUTPUT/qa/} gets what the gate admitted.
 */
public final class MixStage {
  /** General-mix input kinds this build reads. */
  public static final List<String> KINDS = List.of("jsonl", "kafka", "pubsub");

  private MixStage() {}

  /** The gate configured from options (without its general-mix input). */
  public static MixGate gate(MixOptions o) {
    return MixGate.create()
        .withSpatialShare(ShareRatio.parse(o.getSpatialShare()))
        .withWindowSize(Duration.standardSeconds(o.getMixWindowSeconds()))
        .withAllowedLateness(Duration.standardSeconds(o.getMixAllowedLatenessSeconds()))
        .withMaxDeferred(o.getMaxDeferredQa())
        .withTokenizer(tokenizer(o))
        .withLayout(ExportLayout.parse(o.getExportLayout()));
  }

  public static TokenizerSpec tokenizer(MixOptions o) {
    return TokenizerSpec.defaults()
        .withTokenizerPath(o.getTokenizer())
        .withChatFormat(o.getChatFormat())
        .withImageTokens(o.getImageTokens())
        .withReasoning(o.getExportReasoning());
  }

  /** The general-mix source named by {@code --mixInput=KIND:VALUE}, or null when there is none. */
  public static PCollection<String> readMixInput(Pipeline p, String spec) {
    if (spec == null || spec.isBlank()) {
      return null;
    }
    int colon = spec.indexOf(':');
    String kind = colon > 0 ? spec.substring(0, colon) : "";
    String value = colon > 0 ? spec.substring(colon + 1) : "";
    if (!KINDS.contains(kind) || value.isBlank()) {
      throw new IllegalArgumentException(
          "--mixInput must be KIND:VALUE with KIND one of " + KINDS + ", got '" + spec + "'");
    }
    // Streaming kinds use the ingest sources: each message's text is a general-mix record, its
    // element timestamp (Kafka: the record time; Pub/Sub: the publish time) its event time.
    switch (kind) {
      case "jsonl":
        return p.apply("ReadGeneralMix", ReadGeneralMix.jsonl(value));
      case "kafka":
        return p.apply(
                "ReadGeneralMix",
                dev.spatialvqa.transforms.ingest.ReadKafkaCrawlRecords.from(value))
            .apply(
                "GeneralMixText",
                org.apache.beam.sdk.transforms.MapElements.into(
                        org.apache.beam.sdk.values.TypeDescriptors.strings())
                    .via(dev.spatialvqa.core.ingest.SourceLine::text));
      case "pubsub":
        return p.apply(
                "ReadGeneralMix",
                dev.spatialvqa.transforms.ingest.ReadPubsubCrawlRecords.from(value))
            .apply(
                "GeneralMixText",
                org.apache.beam.sdk.transforms.MapElements.into(
                        org.apache.beam.sdk.values.TypeDescriptors.strings())
                    .via(dev.spatialvqa.core.ingest.SourceLine::text));
      default:
        throw new IllegalStateException("unhandled mix input kind " + kind);
    }
  }

  /** Files of the general mix, for the mixture manifest (empty when there is no mix input). */
  public static String mixInputPattern(MixOptions o) {
    String spec = o.getMixInput();
    if (spec == null || spec.isBlank()) {
      return null;
    }
    return spec.substring(spec.indexOf(':') + 1);
  }

  /** Writes {@code OUTPUT/mixture.json} after a bounded run has finished. */
  public static String writeMixture(SpatialVqaOptions o) throws java.io.IOException {
    return MixtureManifest.write(
        o.getOutput(),
        mixInputPattern(o),
        ShareRatio.parse(o.getSpatialShare()),
        tokenizer(o).id(),
        ExportLayout.parse(o.getExportLayout()),
        ReasoningFormat.of(o.getExportReasoning()));
  }

  /** Gates the QA stream. */
  public static MixGate.Result apply(PCollection<QaRecord> qa, MixOptions o) {
    MixGate gate = gate(o);
    PCollection<String> general = readMixInput(qa.getPipeline(), o.getMixInput());
    if (general != null) {
      gate = gate.withGeneralMix(general);
    }
    return qa.apply("MixGate", gate);
  }

  /**
   * Writes the reserve and the accounting. Unbounded runs write them (like the admitted QA, see
   * {@link #windowed}) in panes every gate window's worth of processing time.
   */
  public static void writeSideOutputs(MixGate.Result r, String output, MixOptions o) {
    windowed(r.reserve(), o, "WindowReserve")
        .apply("CountReserve", dev.spatialvqa.transforms.errors.CountAs.counter("records.reserve"))
        .apply("WriteReserve", WriteAvro.of(QaRecord.class, WriteAvro.child(output, "reserve")));
    windowed(r.accounting(), o, "WindowAccounting")
        .apply(
            "WriteAccounting",
            WriteAvro.of(MixAccounting.class, WriteAvro.child(output, "accounting")));
  }

  /**
   * The gate emits in the global window, timestamped at the decision time. For unbounded runs the
   * windowed file writes need panes: the outputs stay in the global window (where nothing is ever
   * late, so no admitted or reserved QA can be dropped for lateness, even when a decision fires
   * behind the watermark) and a pane fires every {@code --mixWindowSeconds} of processing time,
   * plus a final one when the stream ends (drain).
   */
  public static <T> PCollection<T> windowed(PCollection<T> c, MixOptions o, String name) {
    if (c.isBounded() == PCollection.IsBounded.BOUNDED) {
      return c;
    }
    return c.apply(
        name,
        Window.<T>into(new GlobalWindows())
            .triggering(
                Repeatedly.forever(
                    AfterProcessingTime.pastFirstElementInPane()
                        .plusDelayOf(Duration.standardSeconds(o.getMixWindowSeconds()))))
            .withAllowedLateness(Duration.ZERO)
            .discardingFiredPanes());
  }
}
