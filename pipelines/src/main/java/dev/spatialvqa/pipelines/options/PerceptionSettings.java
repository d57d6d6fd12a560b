package dev.spatialvqa.pipelines.options;

import dev.spatialvqa.core.models.MissingModels;
import dev.spatialvqa.core.models.ModelConfig;
import dev.spatialvqa.core.models.ModelException;
import dev.spatialvqa.core.models.ModelPool;
import dev.spatialvqa.core.models.ModelRole;
import dev.spatialvqa.core.perceive.Batching;
import dev.spatialvqa.transforms.perceive.FilterScenes;
import dev.spatialvqa.transforms.perceive.Perceive;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.beam.sdk.io.FileSystems;

/**
 * {@link ModelOptions} read once into plain values: the model config (null without {@code
 * --models}), pool settings, batching and stage switches; and the transforms built from them.
 */
public record PerceptionSettings(
    ModelConfig models,
    ModelPool.Settings pool,
    Batching batching,
    boolean sceneFilter,
    double defaultHfovDeg)
    implements Serializable {

  public static PerceptionSettings from(ModelOptions o) {
    ModelConfig cfg =
        o.getModels() == null || o.getModels().isBlank() ? null : readConfig(o.getModels());
    List<String> devices =
        Arrays.stream(o.getDevices().split(","))
            .map(String::trim)
            .filter(s -> !s.isEmpty())
            .toList();
    ModelPool.Placement placement;
    try {
      placement = ModelPool.Placement.valueOf(o.getDevicePlacement().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "--devicePlacement must be LEAST_LOADED or ROUND_ROBIN, got " + o.getDevicePlacement());
    }
    ModelPool.Settings pool =
        new ModelPool.Settings(
            devices,
            o.getMaxConcurrentPerDevice(),
            placement,
            o.getInterOpThreads(),
            o.getIntraOpThreads(),
            o.getOrtSpinWait());
    Batching b =
        new Batching(
            o.getModelBatchSize(),
            Duration.ofMillis(o.getModelMaxBufferingMs()),
            o.getModelShards());
    return new PerceptionSettings(cfg, pool, b, o.getSceneFilter(), o.getDefaultHfovDeg());
  }

  /** Reads the config JSON from a local path or any Beam filesystem (gs://...). */
  public static ModelConfig readConfig(String uri) {
    try (InputStream in =
        Channels.newInputStream(
            FileSystems.open(FileSystems.matchSingleFileSpec(uri).resourceId()))) {
      return ModelConfig.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), uri);
    } catch (IOException e) {
      throw new ModelException("cannot read model config " + uri + ": " + e.getMessage(), e);
    }
  }

  /** Roles perception needs that the config does not name (all of them without --models). */
  public List<ModelRole> missing() {
    return MissingModels.missing(models, true, sceneFilter);
  }

  /**
   * For inputs that can only be perceived (image streams): throws at start-up with a message naming
   * the missing roles and how to supply them.
   */
  public void requireModels(String inputDescription) {
    List<ModelRole> m = missing();
    if (!m.isEmpty()) {
      throw new IllegalArgumentException(
          "input " + inputDescription + " needs perception. " + MissingModels.message(m));
    }
  }

  public Perceive perceive() {
    return Perceive.with(models)
        .withPool(pool)
        .withBatching(batching)
        .withSceneFilter(sceneFilter)
        .withDefaultHfovDeg(defaultHfovDeg);
  }

  public FilterScenes filterScenes() {
    return FilterScenes.with(models).withPool(pool).withBatching(batching);
  }
}
