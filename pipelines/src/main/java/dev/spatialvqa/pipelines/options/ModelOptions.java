package dev.spatialvqa.pipelines.options;

import dev.spatialvqa.core.lift.IntrinsicsEstimator;
import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;

/**
 * Perception model settings: the model config file, devices, ONNX Runtime threads, batching. Read
 * once by {@link PerceptionSettings#from}; transforms get plain values.
 */
public interface ModelOptions extends PipelineOptions {
  @Description(
      "Model config JSON (local path or any Beam filesystem URI, e.g. gs://) naming each"
          + " perception role's ONNX export by uri + sha256; see README 'Perception models'. Without it,"
          + " images that need perception are dead letters (missing_model).")
  String getModels();

  void setModels(String value);

  @Description(
      "Devices for model inference: cpu, or GPU ids (gpu:0,gpu:1 / cuda:0 / 0), comma separated.")
  @Default.String("cpu")
  String getDevices();

  void setDevices(String value);

  @Description("How DoFn instances are placed on devices: LEAST_LOADED or ROUND_ROBIN.")
  @Default.String("LEAST_LOADED")
  String getDevicePlacement();

  void setDevicePlacement(String value);

  @Description("Model calls running at once per device (per JVM); more callers wait.")
  @Default.Integer(2)
  int getMaxConcurrentPerDevice();

  void setMaxConcurrentPerDevice(int value);

  @Description("ONNX Runtime inter-op threads per session (0 = runtime default).")
  @Default.Integer(0)
  int getInterOpThreads();

  void setInterOpThreads(int value);

  @Description(
      "ONNX Runtime intra-op threads per session (0 = the worker's cores divided by"
          + " --maxConcurrentPerDevice, at least 1).")
  @Default.Integer(0)
  int getIntraOpThreads();

  void setIntraOpThreads(int value);

  @Description(
      "Let ONNX Runtime's intra-op threads spin-wait between work items"
          + " (session.intra_op.allow_spinning). Off by default: spinning threads take cores from"
          + " the pipeline's other threads.")
  @Default.Boolean(false)
  boolean getOrtSpinWait();

  void setOrtSpinWait(boolean value);

  @Description("Images per model batch.")
  @Default.Integer(8)
  int getModelBatchSize();

  void setModelBatchSize(int value);

  @Description(
      "Longest time a partial model batch waits before it runs (ms; matters in streaming).")
  @Default.Long(5000)
  long getModelMaxBufferingMs();

  void setModelMaxBufferingMs(long value);

  @Description(
      "Content-hash shards that images are batched under (bounds model-stage parallelism).")
  @Default.Integer(16)
  int getModelShards();

  void setModelShards(int value);

  @Description(
      "Run the CLIP zero-shot scene filter before perception (needs clip_vision + clip_text).")
  @Default.Boolean(true)
  boolean getSceneFilter();

  void setSceneFilter(boolean value);

  @Description(
      "Field of view (degrees, across the image's long side) assumed when an image has no"
          + " intrinsics, usable EXIF focal length or model-predicted focal length.")
  @Default.Double(IntrinsicsEstimator.DEFAULT_FOV_DEG)
  double getDefaultHfovDeg();

  void setDefaultHfovDeg(double value);
}
