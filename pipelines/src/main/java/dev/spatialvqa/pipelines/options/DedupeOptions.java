package dev.spatialvqa.pipelines.options;

import dev.spatialvqa.core.dedupe.ImageDedupeConfig;
import dev.spatialvqa.core.embed.TextEmbedders;
import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;

/**
 * Scene dedupe ({@code DedupeScenes}: same image bytes, perceptual hash, CLIP image embedding), the
 * opt-in QA-text dedupe ({@code DedupeQaTexts}) and the caption embedder. The pipeline turns these
 * into an {@code ImageDedupeConfig} and a {@code DedupeConfig} once ({@code DedupeSettings}).
 */
public interface DedupeOptions extends PipelineOptions {
  @Description(
      "Drop scenes whose image duplicates an earlier scene's (same bytes, or a near-duplicate by"
          + " perceptual hash or CLIP image embedding); duplicates go to OUTPUT/duplicates and are"
          + " counted as filtered.duplicate_scene.")
  @Default.Boolean(true)
  boolean getDedupe();

  void setDedupe(boolean value);

  @Description(
      "How long a kept scene is remembered for dedupe, in event time (e.g. 12h, 30d): re-crawls"
          + " later than this are new again.")
  @Default.String("30d")
  String getDedupeTtl();

  void setDedupeTtl(String value);

  @Description(
      "Perceptual hashes (64 bits) at most this many bits apart are near-duplicates, 0..15.")
  @Default.Integer(ImageDedupeConfig.DEFAULT_MAX_HAMMING)
  int getDedupeMaxHamming();

  void setDedupeMaxHamming(int value);

  @Description(
      "Cosine similarity of CLIP image embeddings above which two scenes are near-duplicates"
          + " (used when a CLIP vision model is configured).")
  @Default.Double(ImageDedupeConfig.DEFAULT_CLIP_THRESHOLD)
  double getDedupeClipThreshold();

  void setDedupeClipThreshold(double value);

  @Description("Random-hyperplane LSH bands of the CLIP image embedding (state keys per scene).")
  @Default.Integer(ImageDedupeConfig.DEFAULT_BANDS)
  int getDedupeClipBands();

  void setDedupeClipBands(int value);

  @Description("Bits per LSH band of the CLIP image embedding.")
  @Default.Integer(ImageDedupeConfig.DEFAULT_BITS_PER_BAND)
  int getDedupeClipBitsPerBand();

  void setDedupeClipBitsPerBand(int value);

  @Description("Most scenes kept per LSH key (the oldest is evicted beyond it).")
  @Default.Integer(ImageDedupeConfig.DEFAULT_MAX_KEPT_PER_KEY)
  int getDedupeSceneMaxKeptPerKey();

  void setDedupeSceneMaxKeptPerKey(int value);

  @Description(
      "Also drop QA records whose text embedding is near a QA of another scene (off by default:"
          + " it drops distinct facts of distinct scenes; scene dedupe is the default).")
  @Default.Boolean(false)
  boolean getDedupeQaText();

  void setDedupeQaText(boolean value);

  @Description(
      "Cosine similarity above which a QA record duplicates a kept one, in (0, 1]"
          + " (--dedupeQaText only; so are the --dedupeWindow... and --dedupeBands options).")
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
