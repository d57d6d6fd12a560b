package dev.spatialvqa.core.models;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.inference.Predictor;
import ai.djl.translate.TranslateException;
import ai.djl.translate.Translator;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The per-JVM model pool: each model (by sha256) is loaded at most once per device, however many
 * DoFn instances use it. A DoFn takes a {@link Lease} in {@code @Setup} (placing it on a device,
 * round-robin or least-loaded by live leases), makes its own predictor from it (predictors are not
 * thread-safe; the loaded model is), runs inference through {@link Lease#predict}, which holds one
 * of the device's {@code maxConcurrentPerDevice} permits for the duration of the call, and closes
 * the lease in {@code @Teardown}. Loaded models stay until {@link #closeAll()} (JVM lifetime on
 * workers), so a runner that tears DoFns down and up again does not reload weights.
 *
 * <p>Before a model is loaded its file is resolved (fetched into the cache), its sha256 verified
 * and its signature checked against the role's contract, once per JVM.
 */
public final class ModelPool {
  /** How leases are spread over devices. */
  public enum Placement {
    ROUND_ROBIN,
    LEAST_LOADED
  }

  /**
   * Pool settings from the pipeline options.
   *
   * @param devices {@code cpu}, {@code gpu:N}/{@code cuda:N}/{@code N}
   * @param maxConcurrentPerDevice predictor calls running at once on one device
   * @param interOpThreads ONNX Runtime inter-op threads per session, 0 = runtime default
   * @param intraOpThreads ONNX Runtime intra-op threads per session, 0 = this JVM's cores divided
   *     by {@code maxConcurrentPerDevice} (at least 1), so concurrent calls do not oversubscribe
   * @param spinWait ONNX Runtime's {@code session.intra_op.allow_spinning}: off by default, since
   *     spinning intra-op threads burn the cores that Beam's and other sessions' threads need
   */
  public record Settings(
      List<String> devices,
      int maxConcurrentPerDevice,
      Placement placement,
      int interOpThreads,
      int intraOpThreads,
      boolean spinWait)
      implements Serializable {
    public Settings {
      devices = List.copyOf(devices);
      if (devices.isEmpty()) {
        throw new IllegalArgumentException("devices must name at least one device, e.g. cpu");
      }
      devices.forEach(ModelPool::parseDevice);
      if (maxConcurrentPerDevice < 1) {
        throw new IllegalArgumentException(
            "maxConcurrentPerDevice must be >= 1, got " + maxConcurrentPerDevice);
      }
      if (interOpThreads < 0 || intraOpThreads < 0) {
        throw new IllegalArgumentException(
            "ONNX Runtime thread counts must be >= 0 (0 = default), got inter="
                + interOpThreads
                + " intra="
                + intraOpThreads);
      }
    }

    /** Settings without spin-waiting (the default). */
    public Settings(
        List<String> devices,
        int maxConcurrentPerDevice,
        Placement placement,
        int interOpThreads,
        int intraOpThreads) {
      this(devices, maxConcurrentPerDevice, placement, interOpThreads, intraOpThreads, false);
    }

    public static Settings cpu() {
      return new Settings(List.of("cpu"), 2, Placement.LEAST_LOADED, 0, 0, false);
    }

    public Settings withThreads(int interOp, int intraOp) {
      return new Settings(devices, maxConcurrentPerDevice, placement, interOp, intraOp, spinWait);
    }

    public Settings withMaxConcurrentPerDevice(int n) {
      return new Settings(devices, n, placement, interOpThreads, intraOpThreads, spinWait);
    }

    public Settings withSpinWait(boolean spin) {
      return new Settings(
          devices, maxConcurrentPerDevice, placement, interOpThreads, intraOpThreads, spin);
    }

    /** Intra-op threads a session gets on a machine with {@code cores} cores. */
    public int intraOpThreadsFor(int cores) {
      return intraOpThreads > 0 ? intraOpThreads : Math.max(1, cores / maxConcurrentPerDevice);
    }

    /**
     * The ONNX Runtime session options these settings mean on this JVM (threads, spinning); the
     * pool loads every model with them, and benchmarks give a raw ONNX Runtime session the same.
     * The caller owns (closes) them.
     */
    public OrtSession.SessionOptions sessionOptions() {
      OrtSession.SessionOptions o = new OrtSession.SessionOptions();
      try {
        o.setInterOpNumThreads(interOpThreads);
        o.setIntraOpNumThreads(intraOpThreadsFor(Runtime.getRuntime().availableProcessors()));
        o.addConfigEntry("session.intra_op.allow_spinning", spinWait ? "1" : "0");
        o.addConfigEntry("session.inter_op.allow_spinning", spinWait ? "1" : "0");
        return o;
      } catch (OrtException e) {
        o.close();
        throw new ModelException(
            "invalid ONNX Runtime session options " + this + ": " + e.getMessage(), e);
      }
    }
  }

  private static final Map<Settings, ModelPool> POOLS = new ConcurrentHashMap<>();

  private final Settings settings;
  private final Map<String, Semaphore> permits = new LinkedHashMap<>();
  private final Map<String, AtomicInteger> liveLeases = new LinkedHashMap<>();
  private final Map<String, Model> loaded = new HashMap<>();
  private final Map<String, Path> verified = new HashMap<>();
  private final List<OrtSession.SessionOptions> sessionOptions = new ArrayList<>();
  private final Map<String, SignatureReader.Signature> signatures = new HashMap<>();
  private final AtomicInteger next = new AtomicInteger();
  private final AtomicInteger loads = new AtomicInteger();

  private ModelPool(Settings settings) {
    this.settings = settings;
    for (String d : settings.devices()) {
      permits.put(d, new Semaphore(settings.maxConcurrentPerDevice(), true));
      liveLeases.put(d, new AtomicInteger());
    }
  }

  /** The JVM's pool for these settings. */
  public static ModelPool shared(Settings settings) {
    return POOLS.computeIfAbsent(settings, ModelPool::new);
  }

  /** Closes every loaded model of every pool (tests, shutdown hooks). */
  public static synchronized void closeAll() {
    for (ModelPool p : POOLS.values()) {
      synchronized (p) {
        p.loaded.values().forEach(Model::close);
        p.sessionOptions.forEach(OrtSession.SessionOptions::close);
        p.sessionOptions.clear();
        p.loaded.clear();
        p.verified.clear();
        p.signatures.clear();
      }
    }
    POOLS.clear();
  }

  public static Device parseDevice(String s) {
    String d = s.trim().toLowerCase(Locale.ROOT);
    if (d.equals("cpu")) {
      return Device.cpu();
    }
    String id = d.replaceFirst("^(gpu|cuda):?", "");
    try {
      return Device.gpu(Integer.parseInt(id));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "device '" + s + "' is not cpu, gpu:N, cuda:N or a GPU id");
    }
  }

  /** Times a model file was loaded by this pool (one per model per device). */
  public int loads() {
    return loads.get();
  }

  /** Live leases per device, in device order. */
  public synchronized Map<String, Integer> leasesPerDevice() {
    Map<String, Integer> m = new LinkedHashMap<>();
    liveLeases.forEach((k, v) -> m.put(k, v.get()));
    return m;
  }

  /**
   * Resolves (fetches, verifies the sha256 of) the model's file and tokenizer, checks its contract,
   * places a lease on a device and loads the model there if it is not loaded yet.
   */
  public synchronized Lease lease(ModelSpec spec, ModelResolver resolver) {
    // worker JVMs get the DJL settings from the runner options; make sure before DJL starts here
    dev.spatialvqa.core.runtime.DjlOffline.enforce();
    String what = "model '" + spec.name() + "' (role " + spec.role().key() + ")";
    Path file = verified.get(spec.file().sha256());
    if (file == null || !java.nio.file.Files.isRegularFile(file)) {
      file = resolver.resolve(spec.file(), what);
      signatures.put(spec.file().sha256(), SignatureReader.check(spec, file));
      verified.put(spec.file().sha256(), file);
    }
    Path tokenizer = null;
    if (spec.tokenizer() != null) {
      tokenizer = verified.get(spec.tokenizer().sha256());
      if (tokenizer == null || !java.nio.file.Files.isRegularFile(tokenizer)) {
        tokenizer = resolver.resolve(spec.tokenizer(), what + " tokenizer");
        verified.put(spec.tokenizer().sha256(), tokenizer);
      }
    }
    String device = place();
    String key = spec.file().sha256() + "@" + device;
    Model model = loaded.get(key);
    if (model == null) {
      model = load(spec, file, device);
      loaded.put(key, model);
      loads.incrementAndGet();
    }
    liveLeases.get(device).incrementAndGet();
    return new Lease(this, spec, device, model, tokenizer, signatures.get(spec.file().sha256()));
  }

  /** The device the next lease goes to (package-private for tests). */
  String place() {
    List<String> devices = new ArrayList<>(liveLeases.keySet());
    if (settings.placement() == Placement.ROUND_ROBIN) {
      return devices.get(Math.floorMod(next.getAndIncrement(), devices.size()));
    }
    String best = devices.get(0);
    for (String d : devices) {
      if (liveLeases.get(d).get() < liveLeases.get(best).get()) {
        best = d;
      }
    }
    return best;
  }

  private Model load(ModelSpec spec, Path file, String device) {
    Model model = Model.newInstance(spec.name(), parseDevice(device), "OnnxRuntime");
    // OrtModel takes a prepared SessionOptions under "sessionOptions": the same object the
    // settings give a raw ONNX Runtime session, with config entries (spinning) that DJL's string
    // options cannot set
    OrtSession.SessionOptions opts = settings.sessionOptions();
    try {
      Path abs = file.toAbsolutePath();
      model.load(abs.getParent(), abs.getFileName().toString(), Map.of("sessionOptions", opts));
      sessionOptions.add(opts);
      return model;
    } catch (IOException | MalformedModelException | RuntimeException e) {
      model.close();
      opts.close();
      throw new ModelException(
          "model '"
              + spec.name()
              + "' (role "
              + spec.role().key()
              + ") failed to load on "
              + device
              + " from "
              + file
              + ": "
              + e.getMessage(),
          e);
    }
  }

  /** Counts a lease on a device without loading anything (placement tests). */
  synchronized void countLease(String device) {
    liveLeases.get(device).incrementAndGet();
  }

  private synchronized void release(String device) {
    liveLeases.get(device).decrementAndGet();
  }

  private Semaphore permits(String device) {
    return permits.get(device);
  }

  /** One DoFn instance's hold on a loaded model on one device. */
  public static final class Lease implements AutoCloseable {
    private final ModelPool pool;
    private final ModelSpec spec;
    private final String device;
    private final Model model;
    private final Path tokenizer;
    private final SignatureReader.Signature signature;
    private boolean closed;

    private Lease(
        ModelPool pool,
        ModelSpec spec,
        String device,
        Model model,
        Path tokenizer,
        SignatureReader.Signature signature) {
      this.pool = pool;
      this.spec = spec;
      this.device = device;
      this.model = model;
      this.tokenizer = tokenizer;
      this.signature = signature;
    }

    /** The model's input/output signature as read (and checked against its contract) at load. */
    public SignatureReader.Signature signature() {
      return signature;
    }

    public ModelSpec spec() {
      return spec;
    }

    public String device() {
      return device;
    }

    /** The verified local tokenizer.json, or null when the role has none. */
    public Path tokenizer() {
      return tokenizer;
    }

    /** A new predictor over the shared model; the caller owns (and closes) it. */
    public <I, O> Predictor<I, O> newPredictor(Translator<I, O> translator) {
      return model.newPredictor(translator);
    }

    /** Runs one prediction holding one of the device's concurrency permits. */
    public <I, O> O predict(Predictor<I, O> predictor, I input) throws TranslateException {
      Semaphore s = pool.permits(device);
      s.acquireUninterruptibly();
      try {
        return predictor.predict(input);
      } finally {
        s.release();
      }
    }

    @Override
    public void close() {
      if (!closed) {
        closed = true;
        pool.release(device);
      }
    }
  }
}
