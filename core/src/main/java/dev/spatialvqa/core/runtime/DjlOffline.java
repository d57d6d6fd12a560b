package dev.spatialvqa.core.runtime;

import java.nio.file.Path;

/**
 * Keeps DJL from calling home. Without these settings DJL's engine start-up contacts the cloud
 * instance-metadata address and a telemetry URL; offline mode also stops model-zoo and native
 * downloads (the ONNX Runtime and tokenizer natives ship inside their jars). Every {@code main()}
 * calls {@link #enforce()} before anything can touch DJL; worker JVMs get the same settings from
 * {@code bin/spatialvqa} and the runner options.
 */
public final class DjlOffline {
  private DjlOffline() {}

  public static void enforce() {
    System.setProperty("OPT_OUT_TRACKING", "true");
    System.setProperty("ai.djl.offline", "true");
    System.setProperty("offline", "true");
    if (System.getenv("DJL_CACHE_DIR") == null && System.getProperty("DJL_CACHE_DIR") == null) {
      System.setProperty(
          "DJL_CACHE_DIR",
          Path.of(System.getProperty("java.io.tmpdir"), "spatialvqa-djl-cache").toString());
    }
  }

  /** True when this JVM is set up so that DJL cannot call home. */
  public static boolean isEnforced() {
    boolean optOut =
        "true".equalsIgnoreCase(System.getenv("OPT_OUT_TRACKING"))
            || "true".equalsIgnoreCase(System.getProperty("OPT_OUT_TRACKING"));
    boolean offline =
        "true".equalsIgnoreCase(System.getenv("DJL_OFFLINE"))
            || "true".equalsIgnoreCase(System.getProperty("ai.djl.offline"));
    return optOut && offline;
  }
}
