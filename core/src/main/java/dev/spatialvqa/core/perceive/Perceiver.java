package dev.spatialvqa.core.perceive;

import ai.djl.inference.Predictor;
import ai.djl.translate.TranslateException;
import dev.spatialvqa.core.embed.ClipTextEmbedder;
import dev.spatialvqa.core.image.RgbImage;
import dev.spatialvqa.core.models.MissingModels;
import dev.spatialvqa.core.models.ModelConfig;
import dev.spatialvqa.core.models.ModelException;
import dev.spatialvqa.core.models.ModelFetcher;
import dev.spatialvqa.core.models.ModelPool;
import dev.spatialvqa.core.models.ModelResolver;
import dev.spatialvqa.core.models.ModelRole;
import dev.spatialvqa.core.models.ModelSpec;
import dev.spatialvqa.core.runtime.EngineInfo;
import dev.spatialvqa.schemas.FetchedImage;
import dev.spatialvqa.schemas.PerceivedObject;
import dev.spatialvqa.schemas.PerceivedScene;
import dev.spatialvqa.schemas.Provenance;
import java.io.IOException;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The perception chain for a batch of fetched images, without Beam: decode, CLIP scene filter,
 * metric depth, region proposals, box-prompted masks, intrinsics. Models are leased from the
 * per-JVM {@link ModelPool}; predictors belong to this instance (one per DoFn instance, not
 * thread-safe). Per-image problems never fail the batch: an undecodable image is an outcome, and
 * when a batched model call fails the batch is retried one image at a time so that only the poison
 * image fails ({@code model_error}).
 */
public final class Perceiver implements AutoCloseable {
  /** Which stages run and how. Serializable so DoFns can carry it. */
  public record Settings(
      ModelConfig models,
      ModelPool.Settings pool,
      boolean sceneFilter,
      boolean depthAndObjects,
      double defaultHfovDeg)
      implements Serializable {
    public Settings {
      if (!(defaultHfovDeg > 1 && defaultHfovDeg < 179)) {
        throw new IllegalArgumentException(
            "defaultHfovDeg must be in (1, 179), got " + defaultHfovDeg);
      }
    }

    /** Roles these settings need that the model config does not name. */
    public List<ModelRole> missingRoles() {
      List<ModelRole> need = new ArrayList<>();
      if (sceneFilter) {
        need.add(ModelRole.CLIP_VISION);
        need.add(ModelRole.CLIP_TEXT);
      }
      if (depthAndObjects) {
        need.add(ModelRole.DEPTH);
        need.addAll(models.regions().kind().roles());
      }
      return need.stream().filter(r -> models.model(r).isEmpty()).toList();
    }
  }

  /** What became of one image. */
  public sealed interface Outcome permits Perceived, Kept, Filtered, Failed {
    FetchedImage image();
  }

  public record Perceived(FetchedImage image, PerceivedScene scene) implements Outcome {}

  /** Passed the scene filter (filter-only runs). */
  public record Kept(FetchedImage image, double sceneProbability) implements Outcome {}

  public record Filtered(FetchedImage image, String reason, String detail) implements Outcome {}

  public record Failed(FetchedImage image, String reason, String message) implements Outcome {}

  private static final Map<String, SceneFilter> FILTERS =
      new java.util.concurrent.ConcurrentHashMap<>();

  private final Settings settings;
  private final List<AutoCloseable> closeables = new ArrayList<>();
  private final Map<String, String> modelIds = new LinkedHashMap<>();
  private ModelPool.Lease clipLease;
  private Predictor<List<RgbImage>, float[][]> clip;
  private SceneFilter filter;
  private DepthEstimator depth;
  private RegionProposer regions;
  private SamSegmenter sam;
  private final Map<String, Long> counts = new java.util.TreeMap<>();

  private Perceiver(Settings settings) {
    this.settings = settings;
  }

  /**
   * Leases every model the settings need (resolving, verifying and checking them on first use in
   * this JVM) and embeds the scene-filter prompts once.
   *
   * @throws ModelException when a model is missing, fails its hash or contract, or cannot load
   */
  public static Perceiver open(Settings settings, List<ModelFetcher> extraFetchers) {
    List<ModelRole> missing = settings.missingRoles();
    if (!missing.isEmpty()) {
      throw new ModelException(MissingModels.message(missing));
    }
    ModelConfig cfg = settings.models();
    ModelPool pool = ModelPool.shared(settings.pool());
    ModelResolver resolver = ModelResolver.withDefaults(cfg.cachePath(), extraFetchers);
    Perceiver p = new Perceiver(settings);
    try {
      if (settings.sceneFilter()) {
        ModelSpec vision = cfg.model(ModelRole.CLIP_VISION).orElseThrow();
        p.clipLease = p.keep(pool.lease(vision, resolver));
        p.clip = p.keep(p.clipLease.newPredictor(new ClipImageTranslator()));
        ModelConfig.SceneFilterSettings sf = cfg.sceneFilter();
        ModelSpec textSpec = cfg.model(ModelRole.CLIP_TEXT).orElseThrow();
        // the prompts' embeddings are the same for every DoFn instance: embed once per JVM
        p.filter =
            FILTERS.computeIfAbsent(
                textSpec.id() + "|" + sf,
                k -> {
                  try (ClipTextEmbedder text = ClipTextEmbedder.open(textSpec, pool, resolver)) {
                    return new SceneFilter(
                        sf.include(),
                        text.embed(sf.include()),
                        sf.exclude(),
                        sf.exclude().isEmpty() ? new float[0][] : text.embed(sf.exclude()),
                        sf.threshold());
                  }
                });
        p.modelIds.put("scene_filter", vision.id() + "+" + textSpec.id());
      }
      if (settings.depthAndObjects()) {
        ModelSpec d = cfg.model(ModelRole.DEPTH).orElseThrow();
        if (cfg.depth() == null) {
          throw new ModelException(
              "depth model '"
                  + d.name()
                  + "' has no depth settings: the config's depth entry must declare"
                  + " \"depth_kind\": \"metric\" and \"max_depth\" (metres)");
        }
        p.depth = p.keep(new DepthEstimator(pool.lease(d, resolver), cfg.depth()));
        p.modelIds.put("depth", d.id());
        p.regions = p.keep(regionProposer(cfg, pool, resolver));
        p.modelIds.put("regions", p.regions.id());
        if (cfg.model(ModelRole.SAM_ENCODER).isPresent()
            && cfg.model(ModelRole.SAM_DECODER).isPresent()) {
          p.sam =
              p.keep(
                  new SamSegmenter(
                      pool.lease(cfg.model(ModelRole.SAM_ENCODER).get(), resolver),
                      pool.lease(cfg.model(ModelRole.SAM_DECODER).get(), resolver)));
          p.modelIds.put("masks", p.sam.id());
        }
      }
    } catch (RuntimeException e) {
      p.close();
      throw e;
    }
    return p;
  }

  /** The region proposer {@code regions.kind} selects, holding leases on its models. */
  private static RegionProposer regionProposer(
      ModelConfig cfg, ModelPool pool, ModelResolver resolver) {
    switch (cfg.regions().kind()) {
      case DETECTOR:
        return new Owlv2Detector(
            pool.lease(cfg.model(ModelRole.DETECTOR).orElseThrow(), resolver), cfg.detector());
      case FLORENCE2:
        List<ModelPool.Lease> leases = new ArrayList<>();
        try {
          for (ModelRole r : cfg.regions().kind().roles()) {
            leases.add(pool.lease(cfg.model(r).orElseThrow(), resolver));
          }
          ModelPool.Lease withPast = null;
          if (cfg.model(ModelRole.FLORENCE2_DECODER_WITH_PAST).isPresent()) {
            withPast = pool.lease(cfg.model(ModelRole.FLORENCE2_DECODER_WITH_PAST).get(), resolver);
            leases.add(withPast);
          }
          return new Florence2Captioner(
              leases.get(0), leases.get(1), leases.get(2), leases.get(3), withPast, cfg.regions());
        } catch (RuntimeException e) {
          leases.forEach(ModelPool.Lease::close);
          throw e;
        }
      default:
        throw new IllegalStateException("unknown regions kind " + cfg.regions().kind());
    }
  }

  /**
   * Informational counts from the region proposer (e.g. {@code regions.florence2.truncated}) for
   * the batches processed since the last call, then reset. Counts of a batch attempt that failed
   * and was retried image by image are not included twice.
   */
  public Map<String, Long> drainCounts() {
    Map<String, Long> c = Map.copyOf(counts);
    counts.clear();
    return c;
  }

  private <T extends AutoCloseable> T keep(T c) {
    closeables.add(c);
    return c;
  }

  /** stage -> model id, for provenance. */
  public Map<String, String> modelIds() {
    return Map.copyOf(modelIds);
  }

  /** One outcome per image, in order. */
  public List<Outcome> process(List<FetchedImage> batch) {
    Outcome[] out = new Outcome[batch.size()];
    List<Integer> idx = new ArrayList<>();
    List<RgbImage> decoded = new ArrayList<>();
    for (int i = 0; i < batch.size(); i++) {
      FetchedImage f = batch.get(i);
      try {
        ByteBuffer b = f.getBytes().duplicate();
        byte[] bytes = new byte[b.remaining()];
        b.get(bytes);
        decoded.add(RgbImage.decode(bytes, f.getExifOrientation()));
        idx.add(i);
      } catch (IOException | RuntimeException e) {
        out[i] =
            new Failed(
                f, "undecodable_image", "cannot decode " + f.getFormat() + ": " + e.getMessage());
      }
    }
    List<FetchedImage> ok = idx.stream().map(batch::get).toList();
    List<Outcome> res;
    try {
      res = runModels(ok, decoded);
    } catch (DepthPlausibility.NotMetricDepth e) {
      throw e; // the model is wrong for every image: stop the run
    } catch (TranslateException | RuntimeException e) {
      if (ok.size() <= 1) {
        res = ok.isEmpty() ? List.of() : List.of(modelError(ok.get(0), e));
      } else {
        res = new ArrayList<>();
        for (int j = 0; j < ok.size(); j++) {
          try {
            res.add(runModels(List.of(ok.get(j)), List.of(decoded.get(j))).get(0));
          } catch (DepthPlausibility.NotMetricDepth e2) {
            throw e2;
          } catch (TranslateException | RuntimeException solo) {
            res.add(modelError(ok.get(j), solo));
          }
        }
      }
    }
    for (int j = 0; j < idx.size(); j++) {
      out[idx.get(j)] = res.get(j);
    }
    return Arrays.asList(out);
  }

  private static Failed modelError(FetchedImage f, Exception e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return new Failed(f, "model_error", "inference failed for this image alone: " + root);
  }

  private List<Outcome> runModels(List<FetchedImage> images, List<RgbImage> pixels)
      throws TranslateException {
    Outcome[] out = new Outcome[images.size()];
    List<Integer> keep = new ArrayList<>();
    float[][] emb = null;
    if (filter != null) {
      emb = clipLease.predict(clip, pixels);
      for (int i = 0; i < images.size(); i++) {
        SceneFilter.Decision d = filter.decide(emb[i]);
        if (d.keep()) {
          keep.add(i);
          out[i] = new Kept(images.get(i), d.sceneProbability());
        } else {
          out[i] =
              new Filtered(
                  images.get(i),
                  "not_a_scene",
                  "P(scene)="
                      + String.format("%.3f", d.sceneProbability())
                      + ", closest prompt: "
                      + d.topPrompt());
        }
      }
    } else {
      for (int i = 0; i < images.size(); i++) {
        keep.add(i);
        out[i] = new Kept(images.get(i), 1.0);
      }
    }
    Map<String, Long> proposerCounts = Map.of();
    if (depth != null && !keep.isEmpty()) {
      List<RgbImage> kept = keep.stream().map(pixels::get).toList();
      List<DepthPrediction> depths = depth.estimate(kept);
      regions.drainCounts(); // left over by an attempt that failed after proposing
      List<List<Region>> regs = regions.propose(kept);
      proposerCounts = regions.drainCounts();
      for (int k = 0; k < keep.size(); k++) {
        int i = keep.get(k);
        List<Region> r = regs.get(k);
        List<SamSegmenter.Mask> masks = sam == null ? null : sam.segment(kept.get(k), r);
        out[i] =
            new Perceived(
                images.get(i),
                scene(
                    images.get(i),
                    kept.get(k),
                    depths.get(k),
                    r,
                    masks,
                    emb == null ? null : emb[i]));
      }
    }
    proposerCounts.forEach((k, v) -> counts.merge(k, v, Long::sum));
    return Arrays.asList(out);
  }

  private PerceivedScene scene(
      FetchedImage f,
      RgbImage img,
      DepthPrediction d,
      List<Region> regs,
      List<SamSegmenter.Mask> masks,
      float[] clipEmbedding) {
    int w = img.width();
    int h = img.height();
    ImageIntrinsics.Choice k =
        ImageIntrinsics.choose(
            f.getIntrinsics(),
            f.getFocalLength35mm(),
            d.fxPx(),
            d.fyPx(),
            w,
            h,
            settings.defaultHfovDeg());
    ByteBuffer depthBytes = ByteBuffer.allocate(4 * w * h).order(ByteOrder.LITTLE_ENDIAN);
    depthBytes.asFloatBuffer().put(d.metres());
    List<PerceivedObject> objects = new ArrayList<>();
    for (int i = 0; i < regs.size(); i++) {
      Region r = regs.get(i);
      objects.add(
          PerceivedObject.newBuilder()
              .setObjectId(Integer.toString(i))
              .setCaption(r.caption())
              .setBox2dXyxy(List.of(r.x0(), r.y0(), r.x1(), r.y1()))
              .setMask(masks == null ? null : ByteBuffer.wrap(masks.get(i).bits()))
              .setScore(r.score())
              .build());
    }
    Map<String, String> settingsUsed = new LinkedHashMap<>();
    settingsUsed.put("default_hfov_deg", Double.toString(settings.defaultHfovDeg()));
    ModelConfig.RegionsSettings rs = settings.models().regions();
    settingsUsed.put("regions_kind", rs.kind().key());
    if (rs.kind() == ModelConfig.RegionsKind.FLORENCE2) {
      settingsUsed.put("florence2_task", rs.task());
      settingsUsed.put("florence2_max_new_tokens", Integer.toString(rs.maxNewTokens()));
      settingsUsed.put("florence2_no_repeat_ngram_size", Integer.toString(rs.noRepeatNgramSize()));
      settingsUsed.put("regions_nms_iou", Double.toString(rs.nmsIou()));
      settingsUsed.put("regions_max_objects", Integer.toString(rs.maxObjects()));
    } else {
      settingsUsed.put(
          "detector_score_threshold",
          Double.toString(settings.models().detector().scoreThreshold()));
    }
    return PerceivedScene.newBuilder()
        .setSceneId(f.getSceneId() != null ? f.getSceneId() : f.getContentHash())
        .setImageUri(f.getUrl())
        .setContentHash(f.getContentHash())
        .setWidth(w)
        .setHeight(h)
        .setIntrinsics(k.intrinsics())
        .setIntrinsicsSource(k.source())
        .setDepthM(depthBytes)
        .setObjects(objects)
        .setEventTime(f.getEventTime())
        .setPhash(dev.spatialvqa.core.dedupe.PerceptualHash.of(img))
        .setClipEmbedding(clipEmbedding == null ? null : unitList(clipEmbedding))
        .setProvenance(
            Provenance.newBuilder()
                .setEngineVersion(EngineInfo.VERSION)
                .setModels(new LinkedHashMap<>(modelIds))
                .setSettings(settingsUsed)
                .build())
        .build();
  }

  /** The embedding as a unit-length list (the scene-dedupe signature). */
  static List<Float> unitList(float[] v) {
    double n = 0;
    for (float x : v) {
      n += (double) x * x;
    }
    double s = n > 0 ? 1 / Math.sqrt(n) : 0;
    List<Float> out = new ArrayList<>(v.length);
    for (float x : v) {
      out.add((float) (x * s));
    }
    return out;
  }

  @Override
  public void close() {
    for (int i = closeables.size() - 1; i >= 0; i--) {
      try {
        closeables.get(i).close();
      } catch (Exception ignored) {
        // closing native handles; nothing to recover
      }
    }
    closeables.clear();
  }
}
