package dev.spatialvqa.pipelines.options;

import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;

/** Image ingest settings: the fetcher's network policy and caps, streaming windows, early stop. */
public interface IngestOptions extends PipelineOptions {
  @Description(
      "Stop after this stage. 'fetch': ingest-only run writing OUTPUT/images/ (ImageRecord Avro +"
          + " blobs/<sha256>.<ext>) and the ledger, like img2dataset. Empty: the full run.")
  @Default.String("")
  String getUntil();

  void setUntil(String value);

  @Description(
      "CIDRs the fetcher may reach although they are not public (comma-separated, e.g."
          + " 10.20.0.0/16,fd00::/8). By default only public addresses are fetched: loopback,"
          + " private, link-local (169.254.169.254), multicast, unspecified are refused.")
  @Default.String("")
  String getAllowNetworks();

  void setAllowNetworks(String value);

  @Description(
      "Window of streaming runs (output shards per window; duplicate images dropped within it),"
          + " e.g. 60s, 1m, 5m, 1h.")
  @Default.String("1m")
  String getWindowSize();

  void setWindowSize(String value);

  @Description("How long a streaming window accepts late data before it is closed, e.g. 1h, 1d.")
  @Default.String("1d")
  String getAllowedLateness();

  void setAllowedLateness(String value);

  @Description("Output shards per window in streaming runs.")
  @Default.Integer(1)
  int getStreamingShards();

  void setStreamingShards(int value);

  @Description("Fetch: TCP connect timeout in milliseconds.")
  @Default.Long(5_000)
  long getConnectTimeoutMs();

  void setConnectTimeoutMs(long value);

  @Description("Fetch: time allowed for a whole response (headers and body), milliseconds.")
  @Default.Long(20_000)
  long getReadTimeoutMs();

  void setReadTimeoutMs(long value);

  @Description("Fetch: largest accepted image in bytes (enforced while streaming).")
  @Default.Long(20L << 20)
  long getMaxImageBytes();

  void setMaxImageBytes(long value);

  @Description("Largest accepted image in pixels, read from the header before decoding.")
  @Default.Long(40_000_000L)
  long getMaxImagePixels();

  void setMaxImagePixels(long value);

  @Description("Fetch: redirects followed (each re-checked by the SSRF guard).")
  @Default.Integer(5)
  int getMaxRedirects();

  void setMaxRedirects(int value);

  @Description("Fetch: retries on 429 and 5xx (exponential backoff), never on other 4xx.")
  @Default.Integer(2)
  int getFetchRetries();

  void setFetchRetries(int value);

  @Description(
      "kafka: input: consumer group whose offsets are committed to Kafka when a checkpoint"
          + " completes (the group's lag is what the job has not yet durably consumed); unset:"
          + " no group, nothing committed.")
  String getKafkaGroupId();

  void setKafkaGroupId(String value);

  @Description(
      "Fetch: requests in flight per fetch worker thread (records are fetched in batches).")
  @Default.Integer(16)
  int getFetchConcurrency();

  void setFetchConcurrency(int value);

  @Description("Fetch: requests in flight per host and worker JVM.")
  @Default.Integer(4)
  int getPerHostConcurrency();

  void setPerHostConcurrency(int value);

  @Description("watch: how often the glob is listed for new files, e.g. 10s.")
  @Default.String("10s")
  String getWatchInterval();

  void setWatchInterval(String value);
}
