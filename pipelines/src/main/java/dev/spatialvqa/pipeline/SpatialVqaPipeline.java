package dev.spatialvqa.pipeline;

import dev.spatialvqa.ambiguity.ResolveAmbiguity;
import dev.spatialvqa.errors.DeadLetters;
import dev.spatialvqa.errors.Ledger;
import dev.spatialvqa.generate.GenerateQa;
import dev.spatialvqa.geometry.LiftConfig;
import dev.spatialvqa.io.CountAs;
import dev.spatialvqa.io.LoadScenes;
import dev.spatialvqa.io.ManifestLine;
import dev.spatialvqa.io.ReadManifest;
import dev.spatialvqa.io.WriteAvro;
import dev.spatialvqa.lift.LiftScenes;
import dev.spatialvqa.models.MissingModels;
import dev.spatialvqa.models.ModelRole;
import dev.spatialvqa.options.PerceptionSettings;
import dev.spatialvqa.options.SpatialVqaOptions;
import dev.spatialvqa.perception.Perceive;
import dev.spatialvqa.qa.QaConfig;
import dev.spatialvqa.schemas.DeadLetter;
import dev.spatialvqa.schemas.FetchedImage;
import dev.spatialvqa.schemas.PerceivedScene;
import dev.spatialvqa.schemas.QaRecord;
import dev.spatialvqa.schemas.SceneRecord;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;

/**
 * The main job's graph. {@link #build} reads the options once, attaches the sources named by
 * {@code --input}, the processing graph ({@link #process}) and the sinks under {@code --output}.
 * {@link #process} is the seam tests use: the real graph between in-memory sources and sinks.
 *
 * <pre>
 * manifest lines -> LoadScenes -> LiftScenes -> ResolveAmbiguity -> GenerateQa -> qa/
 *                `- image-only lines -> Perceive (--models) -> LiftScenes
 *                                         (without models: dead letters, missing_model)
 *                                    scenes/ <-'
 * every stage's dead letters -> deadletters/
 * </pre>
 */
public final class SpatialVqaPipeline {
  private SpatialVqaPipeline() {}

  /** Plain configuration values of the graph (never PipelineOptions). */
  public record Config(LiftConfig lift, QaConfig qa, PerceptionSettings perception)
      implements Serializable {
    public Config(LiftConfig lift, QaConfig qa) {
      this(lift, qa, null);
    }

    public static Config defaults() {
      return new Config(LiftConfig.defaults(), QaConfig.defaults());
    }

    public static Config from(SpatialVqaOptions o) {
      return new Config(
          LiftConfig.defaults().withMinPoints(o.getMinObjectPoints()),
          dev.spatialvqa.options.QaConfigs.from(o),
          PerceptionSettings.from(o));
    }

    /** Perception models and settings (null: images that need perception are dead letters). */
    public Config withPerception(PerceptionSettings p) {
      return new Config(lift, qa, p);
    }

    /** Perception roles the run lacks (every required role without a model config). */
    public List<String> missingModels() {
      return (perception == null ? MissingModels.required(true) : perception.missing())
          .stream().map(ModelRole::key).toList();
    }
  }

  /** The graph's inputs: whichever entries the run has (null when absent). */
  public record Inputs(PCollection<ManifestLine> manifestLines) {}

  /** The graph's outputs, before the sinks. */
  public record Outputs(
      PCollection<SceneRecord> scenes, PCollection<QaRecord> qa, PCollection<DeadLetter> deadLetters) {}

  /** The name of the run's last per-input stage (what the ledger balances against). */
  public static String lastStage(SpatialVqaOptions o) {
    return "scenes";
  }

  /** Whether the run's inputs are bounded (a bounded run ends and writes summary.json). */
  public static boolean isBounded(SpatialVqaOptions o) {
    return InputSpec.parse(o.getInput()).kind().equals("manifest");
  }

  /** Sources + graph + sinks, from options. */
  public static Outputs build(Pipeline p, SpatialVqaOptions o) {
    InputSpec in = InputSpec.parse(o.getInput());
    Config cfg = Config.from(o);
    Inputs inputs;
    switch (in.kind()) {
      case "manifest" -> inputs = new Inputs(p.apply("ReadManifest", ReadManifest.from(in.value())));
      default ->
          throw new IllegalArgumentException(
              "input kind '" + in.kind() + "' is not available in this build; use manifest:PATH");
    }
    Outputs out = process(inputs, cfg);
    write(out, o.getOutput());
    return out;
  }

  /** The processing graph between the IO seams. */
  public static Outputs process(Inputs in, Config cfg) {
    List<PCollection<DeadLetter>> dead = new ArrayList<>();
    List<PCollection<PerceivedScene>> perceived = new ArrayList<>();
    Pipeline p = null;
    if (in.manifestLines() != null) {
      p = in.manifestLines().getPipeline();
      perceived.add(loadAndPerceive(in.manifestLines(), cfg, dead));
    }
    if (p == null) {
      throw new IllegalArgumentException("the run has no input");
    }
    PCollection<PerceivedScene> allPerceived =
        PCollectionList.of(perceived).apply("AllPerceivedScenes", Flatten.pCollections());
    PCollectionTuple lifted = allPerceived.apply("LiftScenes", LiftScenes.with(cfg.lift()));
    dead.add(lifted.get(DeadLetters.TAG));
    PCollection<SceneRecord> scenes =
        lifted
            .get(LiftScenes.SCENES)
            .apply("ResolveAmbiguity", ResolveAmbiguity.create())
            .apply("CountScenes", CountAs.counter(Ledger.OUT + "scenes"));
    PCollection<QaRecord> qa = scenes.apply("GenerateQa", GenerateQa.with(cfg.qa()));
    PCollection<DeadLetter> deadLetters =
        PCollectionList.of(dead).apply("AllDeadLetters", Flatten.pCollections());
    return new Outputs(scenes, qa, deadLetters);
  }

  /**
   * Manifest lines to perceived scenes: {@code LoadScenes}; image-only lines go through
   * {@code Perceive} when the run has every required model, else become {@code missing_model}
   * dead letters ({@code NoPerceptionModels}). Dead letters are added to {@code dead}.
   */
  static PCollection<PerceivedScene> loadAndPerceive(
      PCollection<ManifestLine> lines, Config cfg, List<PCollection<DeadLetter>> dead) {
    PCollectionTuple loaded = lines.apply("LoadScenes", LoadScenes.create());
    dead.add(loaded.get(DeadLetters.TAG));
    PCollection<FetchedImage> needs = loaded.get(LoadScenes.NEEDS_PERCEPTION);
    List<String> missing = cfg.missingModels();
    if (!missing.isEmpty()) {
      dead.add(needs.apply("NoPerceptionModels", ParDo.of(new MissingModelFn(missing))));
      return loaded.get(LoadScenes.SCENES);
    }
    PCollectionTuple seen = needs.apply("Perceive", cfg.perception().perceive());
    dead.add(seen.get(DeadLetters.TAG));
    return PCollectionList.of(loaded.get(LoadScenes.SCENES))
        .and(seen.get(Perceive.SCENES))
        .apply("LoadedAndPerceived", Flatten.pCollections());
  }

  /** The sinks: Avro shards under OUTPUT/scenes, OUTPUT/qa and OUTPUT/deadletters. */
  public static void write(Outputs out, String output) {
    out.scenes()
        .apply("WriteScenes", WriteAvro.of(SceneRecord.class, WriteAvro.child(output, "scenes")));
    out.qa()
        .apply("CountQa", CountAs.counter("records.qa"))
        .apply("WriteQa", WriteAvro.of(QaRecord.class, WriteAvro.child(output, "qa")));
    out.deadLetters()
        .apply("CountDeadLetters", CountAs.counter("records.dead_letters"))
        .apply(
            "WriteDeadLetters",
            WriteAvro.of(DeadLetter.class, WriteAvro.child(output, "deadletters")));
  }

  /** Manifest lines with an image only need a depth model and object perception. */
  static final class MissingModelFn extends DoFn<FetchedImage, DeadLetter> {
    private final List<String> missing;

    MissingModelFn(List<String> missing) {
      this.missing = List.copyOf(missing);
    }

    @ProcessElement
    public void process(@Element FetchedImage img, OutputReceiver<DeadLetter> out) {
      out.output(
          DeadLetters.of(
              "perception",
              "missing_model",
              "scene " + img.getSceneId() + " has no depth: it needs perception models " + missing
                  + " (metric depth, region proposer, CLIP scene filter unless --sceneFilter=false);"
                  + " pass --models=CONFIG naming them (README 'Perception models')",
              DeadLetters.ref(img.getUrl(), img.getContentHash(), img.getSceneId(), null),
              img.getEventTime()));
    }
  }
}
