package dev.spatialvqa.core.models;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads an ONNX file's input and output signature with ONNX Runtime (the runtime DJL wraps) and
 * checks it against a role's contract. The DJL engine is started first (see {@link #read}). DJL's
 * {@code describeInput} has no dtypes and no outputs, hence the direct session; it is opened with
 * graph optimisation off and closed at once.
 */
public final class SignatureReader {
  private SignatureReader() {}

  public record Signature(Map<String, TensorSpec> inputs, Map<String, TensorSpec> outputs) {}

  public static Signature read(Path onnx) {
    // DJL's engine creates the process-wide OrtEnvironment with its own thread pool and fails if
    // one exists already: start DJL's engine first, then share its environment.
    ai.djl.engine.Engine.getEngine("OnnxRuntime");
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
      opts.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.NO_OPT);
      try (OrtSession s = env.createSession(onnx.toString(), opts)) {
        return new Signature(specs(s.getInputInfo()), specs(s.getOutputInfo()));
      }
    } catch (OrtException e) {
      throw new ModelException("cannot open " + onnx + " with ONNX Runtime: " + e.getMessage(), e);
    }
  }

  /**
   * Reads the signature and checks it against the spec's contract.
   *
   * @return the model's signature (it fits the contract)
   * @throws ModelException naming the model and every difference from the contract
   */
  public static Signature check(ModelSpec spec, Path onnx) {
    Signature sig = read(onnx);
    List<String> diffs = spec.role().differences(spec.contract(), sig.inputs(), sig.outputs());
    if (!diffs.isEmpty()) {
      String advice = spec.role().advice(sig.inputs(), sig.outputs());
      throw new ModelException(
          "model '"
              + spec.name()
              + "' (role "
              + spec.role().key()
              + ", "
              + spec.file().uri()
              + ") does not match the "
              + spec.role().key()
              + " contract: "
              + (advice == null ? "" : advice + ". ")
              + String.join("; ", diffs));
    }
    return sig;
  }

  private static Map<String, TensorSpec> specs(Map<String, NodeInfo> infos) {
    Map<String, TensorSpec> out = new LinkedHashMap<>();
    for (Map.Entry<String, NodeInfo> e : infos.entrySet()) {
      if (e.getValue().getInfo() instanceof TensorInfo t) {
        out.put(e.getKey(), new TensorSpec(e.getKey(), dtype(t.type), t.getShape()));
      } else {
        out.put(e.getKey(), new TensorSpec(e.getKey(), "non-tensor", new long[0]));
      }
    }
    return out;
  }

  private static String dtype(OnnxJavaType t) {
    return switch (t) {
      case FLOAT -> "float32";
      case DOUBLE -> "float64";
      case INT64 -> "int64";
      case INT32 -> "int32";
      case INT8 -> "int8";
      case UINT8 -> "uint8";
      case BOOL -> "bool";
      case FLOAT16 -> "float16";
      default -> t.name().toLowerCase(Locale.ROOT);
    };
  }
}
