package dev.spatialvqa.pipeline;

import dev.spatialvqa.ambiguity.ResolveAmbiguity;
import dev.spatialvqa.dedupe.DedupeCaptions;
import dev.spatialvqa.dedupe.DedupeConfig;
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
import dev.spatialvqa.options.SpatialVqaOptions;
import dev.spatialvqa.qa.QaConfig;
import dev.spatialvqa.schemas.DeadLetter;
import dev.spatialvqa.schemas.DuplicateRecord;
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
 * manifest lines -> LoadScenes -> LiftScenes -> ResolveAmbiguity -> GenerateQa -> DedupeCaptions -> MixGate -> qa/
 *                                    scenes/ <-'                       duplicates/ <-'  general mix (--mixInput) -'
 *                                                                                       reserve/, accounting/
 * every stage's dead letters -> deadletters/
 * </pre>
 */
public final class SpatialVqaPipeline {
  private SpatialVqaPipeline() {}

  /**
   * Plain configuration values of the graph (never PipelineOptions). {@code dedupe} is null when
   * near-duplicate dedupe of QA is off ({@code --dedupe=false}).
   */
  public record Config(LiftConfig lift, QaConfig qa, DedupeConfig dedupe) implements Serializable {
    public Config(LiftConfig lift, QaConfig qa) {
      this(lift, qa, DedupeConfig.defaults());
    }

    public static Config defaults() {
      return new Config(LiftConfig.defaults(), QaConfig.defaults(), DedupeConfig.defaults());
    }

    public static Config from(SpatialVqaOptions o) {
      return new Config(
          LiftConfig.defaults().withMinPoints(o.getMinObjectPoints()),
          dev.spatialvqa.options.QaConfigs.from(o),
          o.getDedupe() ? DedupeSettings.from(o) : null);
    }

    public Config withDedupe(DedupeConfig d) {
      return new Config(lift, qa, d);
    }
  }

  /** The graph's inputs: whichever entries the run has (null when absent). */
  public record Inputs(PCollection<ManifestLine> manifestLines) {}

  /** The graph's outputs, before the sinks ({@code duplicates} is null when dedupe is off). */
  public record Outputs(
      PCollection<SceneRecord> scenes,
      PCollection<QaRecord> qa,
      PCollection<DeadLetter> deadLetters,
      PCollection<DuplicateRecord> duplicates) {
    public Outputs(
        PCollection<SceneRecord> scenes, PCollection<QaRecord> qa, PCollection<DeadLetter> deadLetters) {
      this(scenes, qa, deadLetters, null);
    }
  }

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
    Outputs out = mix(process(inputs, cfg), o);
    write(out, o.getOutput());
    return out;
  }

  /**
   * The mix gate between the graph and the QA sink ({@link MixStage}): the returned outputs' QA are
   * the admitted ones (for {@code OUTPUT/qa}) and their dead letters include the general mix's; the
   * reserve and the accounting are written under {@code OUTPUT/reserve} and
   * {@code OUTPUT/accounting}.
   */
  static Outputs mix(Outputs out, SpatialVqaOptions o) {
    dev.spatialvqa.mix.MixGate.Result mixed = MixStage.apply(out.qa(), o);
    MixStage.writeSideOutputs(mixed, o.getOutput(), o);
    PCollection<DeadLetter> dead =
        PCollectionList.of(out.deadLetters())
            .and(mixed.deadLetters())
            .apply("DeadLettersWithMix", Flatten.pCollections());
    return new Outputs(
        out.scenes(), MixStage.windowed(mixed.admitted(), o, "WindowAdmittedQa"), dead, out.duplicates());
  }

  /** The processing graph between the IO seams. */
  public static Outputs process(Inputs in, Config cfg) {
    List<PCollection<DeadLetter>> dead = new ArrayList<>();
    List<PCollection<PerceivedScene>> perceived = new ArrayList<>();
    Pipeline p = null;
    if (in.manifestLines() != null) {
      p = in.manifestLines().getPipeline();
      PCollectionTuple loaded = in.manifestLines().apply("LoadScenes", LoadScenes.create());
      perceived.add(loaded.get(LoadScenes.SCENES));
      dead.add(loaded.get(DeadLetters.TAG));
      dead.add(
          loaded
              .get(LoadScenes.NEEDS_PERCEPTION)
              .apply("NoPerceptionModels", ParDo.of(new MissingModelFn())));
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
    PCollectionTuple deduped = dedupeQa(qa, cfg);
    PCollection<DeadLetter> deadLetters =
        PCollectionList.of(dead).apply("AllDeadLetters", Flatten.pCollections());
    return new Outputs(
        scenes,
        deduped.get(DedupeCaptions.KEPT),
        deadLetters,
        cfg.dedupe() == null ? null : deduped.get(DedupeCaptions.DUPLICATES));
  }

  /**
   * The {@code DedupeCaptions} step: near-duplicate QA records (of other scenes) go to
   * {@link DedupeCaptions#DUPLICATES}; with dedupe off, the QA pass through unchanged.
   */
  public static PCollectionTuple dedupeQa(PCollection<QaRecord> qa, Config cfg) {
    if (cfg.dedupe() == null) {
      return PCollectionTuple.of(DedupeCaptions.KEPT, qa);
    }
    return qa.apply("DedupeCaptions", DedupeCaptions.of(cfg.dedupe()));
  }

  /**
   * The sinks: Avro shards under OUTPUT/scenes, OUTPUT/qa, OUTPUT/deadletters and (with dedupe)
   * OUTPUT/duplicates.
   */
  public static void write(Outputs out, String output) {
    if (out.duplicates() != null) {
      out.duplicates()
          .apply("CountDuplicates", CountAs.counter("records.duplicates"))
          .apply(
              "WriteDuplicates",
              WriteAvro.of(DuplicateRecord.class, WriteAvro.child(output, "duplicates")));
    }
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
    @ProcessElement
    public void process(@Element FetchedImage img, OutputReceiver<DeadLetter> out) {
      out.output(
          DeadLetters.of(
              "perception",
              "missing_model",
              "scene " + img.getSceneId() + " has no depth: it needs a metric depth model and a region"
                  + " proposer (and a segmenter for masks); pass --models=CONFIG naming them",
              DeadLetters.ref(img.getUrl(), img.getContentHash(), img.getSceneId(), null),
              img.getEventTime()));
    }
  }
}
