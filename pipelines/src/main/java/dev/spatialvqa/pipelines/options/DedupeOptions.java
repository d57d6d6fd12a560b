package dev.spatialvqa.pipelines.options;

import dev.spatialvqa.core.embed.TextEmbedders;
import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;

/**
 * Near-duplicate dedupe of QA records ({@code DedupeQaTexts}) and the caption embedder. The
 * pipeline turns these into a {@code DedupeConfig} once ({@code DedupeSettings.from}).
 */
public interface DedupeOptions extends PipelineOptions {
  @Description("Drop near-duplicate QA records (duplicates go to OUTPUT/duplicates).")
  @Default.Boolean(true)
  boolean getDedupe();

  void setDedupe(boolean value);

  @Description("Cosine similarity above which a QA record duplicates a kept one, in (0, 1].")
  @Default.Double(0.92)
  double getDedupeThreshold();

  void setDedupeThreshold(double value);

  @Description(
      "Dedupe window: fixed (compare within fixed event-time windows) or sliding"
          + " (compare within --dedupeWindowSeconds of each element's event time).")
  @Default.String("fixed")
  String getDedupeWindow();

  void setDedupeWindow(String value);

  @Description("Dedupe window size in seconds of event time.")
  @Default.Long(600)
  long getDedupeWindowSeconds();

  void setDedupeWindowSeconds(long value);

  @Description(
      "How late (seconds behind the watermark) an element is still compared; state lives"
          + " until window end + this.")
  @Default.Long(60)
  long getDedupeAllowedLatenessSeconds();

  void setDedupeAllowedLatenessSeconds(long value);

  @Description("LSH bands (state keys per element), in [1, 64].")
  @Default.Integer(8)
  int getDedupeBands();

  void setDedupeBands(int value);

  @Description("LSH hyperplanes per band, in [1, 30] (more bits: smaller keys, more misses).")
  @Default.Integer(6)
  int getDedupeBitsPerBand();

  void setDedupeBitsPerBand(int value);

  @Description("Kept embeddings per LSH key and window (the state bound; oldest evicted first).")
  @Default.Integer(64)
  int getDedupeMaxKeptPerKey();

  void setDedupeMaxKeptPerKey(int value);

  @Description("Seed of the LSH hyperplanes (all workers and restarts must agree).")
  @Default.Long(20240601L)
  long getDedupeSeed();

  void setDedupeSeed(long value);

  @Description(
      "Text embedder for captions and QA: minilm (default, the bundled all-MiniLM-L6-v2),"
          + " minilm:BATCH, or clip:CONFIG (CLIP's text tower from a user-supplied export).")
  @Default.String(TextEmbedders.DEFAULT)
  String getEmbedder();

  void setEmbedder(String value);
}
