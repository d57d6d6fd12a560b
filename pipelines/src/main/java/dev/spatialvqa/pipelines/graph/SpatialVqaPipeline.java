package dev.spatialvqa.pipelines.graph;

import dev.spatialvqa.core.dedupe.DedupeConfig;
import dev.spatialvqa.core.dedupe.ImageDedupeConfig;
import dev.spatialvqa.core.generate.QaConfig;
import dev.spatialvqa.core.lift.IntrinsicsEstimator;
import dev.spatialvqa.core.lift.LiftConfig;
import dev.spatialvqa.core.models.MissingModels;
import dev.spatialvqa.core.models.ModelRole;
import dev.spatialvqa.core.refer.AmbiguityConfig;
import dev.spatialvqa.pipelines.options.PerceptionSettings;
import dev.spatialvqa.pipelines.options.SpatialVqaOptions;
import dev.spatialvqa.schemas.DeadLetter;
import dev.spatialvqa.schemas.DuplicateRecord;
import dev.spatialvqa.schemas.FetchedImage;
import dev.spatialvqa.schemas.ImageRecord;
import dev.spatialvqa.schemas.PerceivedScene;
import dev.spatialvqa.schemas.QaRecord;
import dev.spatialvqa.schemas.SceneRecord;
import dev.spatialvqa.transforms.dedupe.DedupeQaTexts;
import dev.spatialvqa.transforms.dedupe.DedupeScenes;
import dev.spatialvqa.transforms.errors.CountAs;
import dev.spatialvqa.transforms.errors.DeadLetterCollector;
import dev.spatialvqa.transforms.errors.DeadLetters;
import dev.spatialvqa.transforms.errors.Ledger;
import dev.spatialvqa.transforms.errors.RunLedger;
import dev.spatialvqa.transforms.generate.GenerateQa;
import dev.spatialvqa.transforms.ingest.IngestImages;
import dev.spatialvqa.transforms.ingest.StoreImageBlobs;
import dev.spatialvqa.transforms.lift.LiftScenes;
import dev.spatialvqa.transforms.load.LoadScenes;
import dev.spatialvqa.transforms.load.ManifestLine;
import dev.spatialvqa.transforms.perceive.MissingModelFn;
import dev.spatialvqa.transforms.perceive.Perceive;
import dev.spatialvqa.transforms.refer.ResolveAmbiguity;
import dev.spatialvqa.transforms.sink.WriteAvro;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.windowing.AfterProcessingTime;
import org.apache.beam.sdk.transforms.windowing.AfterWatermark;
import org.apache.beam.sdk.transforms.windowing.FixedWindows;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.joda.time.Duration;

/**
 * The main job's graph. {@link #build} reads the options once, attaches the sources named by {@code
 * --input}, the processing graph ({@link #process}) and the sinks under {@code --output}. {@link
 * #process} is the seam tests use: the real graph between in-memory sources and sinks.
 *
 * <pre>
 * manifest lines -> LoadScenes -> DedupeScenes -> LiftScenes -> ResolveAmbiguity -> GenerateQa -> MixGate -> qa/
 *   `- image-only lines -> Perceive -'  `-> duplicates/   scenes/ <-'   general mix (--mixInput) -'
 *   (--dedupeQaText: DedupeQaTexts between GenerateQa and MixGate, also to duplicates/)
 *                                                                                       reserve/, accounting/
 * urls: | watch: | kafka: | pubsub: -> IngestImages (fetch, dedupe) -> [--until=fetch] images/
 *                                      (full run: -> PerceiveImages -> LiftScenes ...; needs --models)
 * without the perception models: image-only lines are dead letters (missing_model); image-stream
 * inputs stop at start-up naming the missing roles
 * every stage's dead letters -> deadletters/
 * </pre>
 *
 * <p>Unbounded runs window every output into fixed windows of {@code --windowSize} (late data up to
 * {@code --allowedLateness}, written in late panes) and write a fixed number of shards per window,
 * so files appear while the stream runs.
 */
public final class SpatialVqaPipeline {
  private SpatialVqaPipeline() {}

  /**
   * Plain configuration values of the graph (never PipelineOptions). {@code sceneDedupe} is null
   * when scene dedupe is off ({@code --dedupe=false}); {@code dedupe} (QA-text dedupe) is null
   * unless {@code --dedupeQaText}; {@code perception} is null when the run has no perception
   * settings (images that need perception are then dead letters).
   */
  public record Config(
      LiftConfig lift,
      QaConfig qa,
      DedupeConfig dedupe,
      PerceptionSettings perception,
      AmbiguityConfig refer,
      ImageDedupeConfig sceneDedupe)
      implements Serializable {
    public Config(
        LiftConfig lift,
        QaConfig qa,
        DedupeConfig dedupe,
        PerceptionSettings perception,
        AmbiguityConfig refer) {
      this(lift, qa, dedupe, perception, refer, ImageDedupeConfig.defaults());
    }

    public Config(LiftConfig lift, QaConfig qa) {
      this(lift, qa, null, null, AmbiguityConfig.defaults());
    }

    public Config(LiftConfig lift, QaConfig qa, DedupeConfig dedupe) {
      this(lift, qa, dedupe, null, AmbiguityConfig.defaults());
    }

    public Config(
        LiftConfig lift, QaConfig qa, DedupeConfig dedupe, PerceptionSettings perception) {
      this(lift, qa, dedupe, perception, AmbiguityConfig.defaults());
    }

    public static Config defaults() {
      return new Config(LiftConfig.defaults(), QaConfig.defaults());
    }

    /** The one mapping of the run's options to each stage's pure config. */
    public static Config from(SpatialVqaOptions o) {
      return new Config(
          LiftConfig.defaults().withMinPoints(o.getMinObjectPoints()),
          dev.spatialvqa.pipelines.options.QaConfigs.from(o),
          o.getDedupeQaText() ? DedupeSettings.from(o) : null,
          PerceptionSettings.from(o),
          AmbiguityConfig.defaults()
              .withEmbedder(o.getEmbedder())
              .withCaptions(
                  dev.spatialvqa.core.refer.Captions.defaults()
                      .withExtraTokens(
                          java.util.Arrays.asList(o.getCaptionSpecialTokens().split(",")))
                      .withMaxChars(o.getMaxCaptionChars())),
          o.getDedupe() ? DedupeSettings.scenes(o) : null);
    }

    public Config withDedupe(DedupeConfig d) {
      return new Config(lift, qa, d, perception, refer, sceneDedupe);
    }

    /** Perception models and settings (null: images that need perception are dead letters). */
    public Config withPerception(PerceptionSettings p) {
      return new Config(lift, qa, dedupe, p, refer, sceneDedupe);
    }

    /** How referring expressions are chosen, with which caption embedder. */
    public Config withRefer(AmbiguityConfig r) {
      return new Config(lift, qa, dedupe, perception, r, sceneDedupe);
    }

    /** Scene dedupe (null: off). */
    public Config withSceneDedupe(ImageDedupeConfig d) {
      return new Config(lift, qa, dedupe, perception, refer, d);
    }

    /** Perception roles the run lacks (every required role without a model config). */
    public List<String> missingModels() {
      return (perception == null ? MissingModels.required(true) : perception.missing())
          .stream().map(ModelRole::key).toList();
    }
  }

  /** The graph's inputs: whichever entries the run has (null when absent). */
  public record Inputs(
      PCollection<ManifestLine> manifestLines,
      PCollection<FetchedImage> images,
      PCollection<DeadLetter> ingestDeadLetters) {
    public Inputs(PCollection<ManifestLine> manifestLines) {
      this(manifestLines, null, null);
    }
  }

  /**
   * The graph's outputs, before the sinks ({@code images} only in ingest-only runs; {@code
   * duplicates} null when dedupe is off). Every stage's failures are registered with {@code
   * deadLetterPath}, which the dead-letter sink flattens once ({@link #deadLetters()}).
   */
  public record Outputs(
      PCollection<SceneRecord> scenes,
      PCollection<QaRecord> qa,
      DeadLetterCollector deadLetterPath,
      PCollection<FetchedImage> images,
      PCollection<DuplicateRecord> duplicates) {
    public Outputs(
        PCollection<SceneRecord> scenes,
        PCollection<QaRecord> qa,
        PCollection<DeadLetter> deadLetters) {
      this(scenes, qa, DeadLetterCollector.of(deadLetters), null, null);
    }

    /** All of the run's dead letters (one Flatten, whatever the number of stages). */
    public PCollection<DeadLetter> deadLetters() {
      return deadLetterPath.flattened();
    }
  }

  /** How unbounded outputs are windowed before the sinks. */
  public record Streaming(Duration windowSize, Duration allowedLateness, int shards)
      implements Serializable {
    public static Streaming defaults() {
      return new Streaming(Duration.standardMinutes(1), Duration.standardDays(1), 1);
    }

    public static Streaming from(SpatialVqaOptions o) {
      if (o.getStreamingShards() < 1) {
        throw new IllegalArgumentException(
            "--streamingShards must be >= 1, got " + o.getStreamingShards());
      }
      return new Streaming(
          ImageIngest.windowSize(o),
          ImageIngest.duration("allowedLateness", o.getAllowedLateness()),
          o.getStreamingShards());
    }
  }

  /** Image-stream input kinds (crawl records or shards, through fetch). */
  static boolean isImageInput(String kind) {
    return IngestImages.KINDS.contains(kind);
  }

  /** The name of the run's last per-input stage (what the ledger balances against). */
  public static String lastStage(SpatialVqaOptions o) {
    return ImageIngest.untilFetch(o) ? "images" : "scenes";
  }

  /** Whether the run's inputs are bounded (a bounded run ends and writes summary.json). */
  public static boolean isBounded(SpatialVqaOptions o) {
    String kind = InputSpec.parse(o.getInput()).kind();
    return kind.equals("manifest") || kind.equals("urls");
  }

  /**
   * Checks at start-up that the run can be built: image-stream inputs need perception models for a
   * full run, or {@code --until=fetch}.
   */
  public static void checkRunnable(SpatialVqaOptions o) {
    InputSpec in = InputSpec.parse(o.getInput());
    boolean untilFetch = ImageIngest.untilFetch(o);
    if (untilFetch && !isImageInput(in.kind())) {
      throw new IllegalArgumentException(
          "--until=fetch applies to image inputs ("
              + IngestImages.KINDS
              + "), not "
              + in.kind()
              + ":");
    }
    if (isImageInput(in.kind()) && !untilFetch) {
      requirePerception(PerceptionSettings.from(o), in.kind() + ":" + in.value());
    }
  }

  /** Sources + graph + sinks, from options, with the production IO ({@link FileJobIo}). */
  public static Outputs build(Pipeline p, SpatialVqaOptions o) {
    return build(p, o, FileJobIo.INSTANCE);
  }

  /** Sources + graph + sinks, from options, through the IO seam {@code io}. */
  public static Outputs build(Pipeline p, SpatialVqaOptions o, JobIo io) {
    checkRunnable(o);
    Config cfg = Config.from(o);
    Inputs inputs = io.read(p, o);
    Outputs out = ImageIngest.untilFetch(o) ? untilFetch(inputs) : mix(process(inputs, cfg), o, io);
    io.write(out, o);
    return out;
  }

  /** Ingest-only graph ({@code --until=fetch}): the images are the last per-input stage. */
  public static Outputs untilFetch(Inputs in) {
    if (in.images() == null) {
      throw new IllegalArgumentException("--until=fetch needs an image input");
    }
    return new Outputs(
        null, null, DeadLetterCollector.of(in.ingestDeadLetters()), in.images(), null);
  }

  /**
   * The mix gate between the graph and the QA sink ({@link MixStage}): the returned outputs' QA are
   * the admitted ones (for {@code OUTPUT/qa}) and their dead letters include the general mix's; the
   * reserve and the accounting are written under {@code OUTPUT/reserve} and {@code
   * OUTPUT/accounting}.
   */
  static Outputs mix(Outputs out, SpatialVqaOptions o) {
    return mix(out, o, FileJobIo.INSTANCE);
  }

  static Outputs mix(Outputs out, SpatialVqaOptions o, JobIo io) {
    dev.spatialvqa.transforms.mix.MixGate.Result mixed = MixStage.apply(out.qa(), o);
    io.writeMixSideOutputs(mixed, o);
    out.deadLetterPath().add(mixed.deadLetters());
    return new Outputs(
        out.scenes(),
        MixStage.windowed(mixed.admitted(), o, "WindowAdmittedQa"),
        out.deadLetterPath(),
        out.images(),
        out.duplicates());
  }

  /** The processing graph between the IO seams. */
  public static Outputs process(Inputs in, Config cfg) {
    DeadLetterCollector dead = new DeadLetterCollector();
    List<PCollection<PerceivedScene>> perceived = new ArrayList<>();
    Pipeline p = null;
    if (in.manifestLines() != null) {
      p = in.manifestLines().getPipeline();
      perceived.add(loadAndPerceive(in.manifestLines(), cfg, dead));
    }
    if (in.images() != null) {
      p = in.images().getPipeline();
      requirePerception(cfg.perception(), "of images");
      if (in.ingestDeadLetters() != null) {
        dead.add(in.ingestDeadLetters());
      }
      PCollectionTuple seen = in.images().apply("PerceiveImages", cfg.perception().perceive());
      perceived.add(seen.get(Perceive.SCENES));
      dead.add(seen.get(DeadLetters.TAG));
    }
    if (p == null) {
      throw new IllegalArgumentException("the run has no input");
    }
    PCollection<PerceivedScene> allPerceived =
        PCollectionList.of(perceived).apply("AllPerceivedScenes", Flatten.pCollections());
    PCollectionTuple unique = dedupeScenes(allPerceived, cfg);
    PCollectionTuple lifted =
        unique.get(DedupeScenes.KEPT).apply("LiftScenes", LiftScenes.with(cfg.lift()));
    dead.add(lifted.get(DeadLetters.TAG));
    PCollection<SceneRecord> scenes =
        lifted
            .get(LiftScenes.SCENES)
            .apply("ResolveAmbiguity", ResolveAmbiguity.with(cfg.refer()))
            .apply("CountScenes", CountAs.counter(Ledger.OUT + "scenes"));
    PCollection<QaRecord> qa = scenes.apply("GenerateQa", GenerateQa.with(cfg.qa()));
    PCollectionTuple deduped = dedupeQa(qa, cfg);
    List<PCollection<DuplicateRecord>> dups = new ArrayList<>();
    if (cfg.sceneDedupe() != null) {
      dups.add(unique.get(DedupeScenes.DUPLICATES));
    }
    if (cfg.dedupe() != null) {
      dups.add(deduped.get(DedupeQaTexts.DUPLICATES));
    }
    return new Outputs(
        scenes,
        deduped.get(DedupeQaTexts.KEPT),
        dead,
        null,
        dups.isEmpty()
            ? null
            : PCollectionList.of(dups).apply("AllDuplicates", Flatten.pCollections()));
  }

  /**
   * The {@code DedupeScenes} step: scenes whose image duplicates an earlier scene's go to {@link
   * DedupeScenes#DUPLICATES} (counted as filtered); with scene dedupe off, scenes pass unchanged.
   */
  public static PCollectionTuple dedupeScenes(PCollection<PerceivedScene> scenes, Config cfg) {
    if (cfg.sceneDedupe() == null) {
      return PCollectionTuple.of(DedupeScenes.KEPT, scenes);
    }
    return scenes.apply("DedupeScenes", DedupeScenes.of(cfg.sceneDedupe()));
  }

  /**
   * Image-stream inputs yield images without depth or objects: a full run needs the perception
   * models. Throws at start-up naming the missing roles, how to supply them, and --until=fetch.
   */
  static void requirePerception(PerceptionSettings perception, String input) {
    PerceptionSettings ps =
        perception != null
            ? perception
            : new PerceptionSettings(
                null,
                dev.spatialvqa.core.models.ModelPool.Settings.cpu(),
                dev.spatialvqa.core.perceive.Batching.defaults(),
                true,
                IntrinsicsEstimator.DEFAULT_FOV_DEG);
    if (!ps.missing().isEmpty()) {
      try {
        ps.requireModels(input);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            e.getMessage()
                + " Or run ingest only with --until=fetch (writes OUTPUT/images/ and the ledger).",
            e);
      }
    }
  }

  /**
   * Manifest lines to perceived scenes: {@code LoadScenes}; image-only lines go through {@code
   * Perceive} when the run has every required model, else become {@code missing_model} dead letters
   * ({@code NoPerceptionModels}). Dead letters are added to {@code dead}.
   */
  static PCollection<PerceivedScene> loadAndPerceive(
      PCollection<ManifestLine> lines, Config cfg, DeadLetterCollector dead) {
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

  /**
   * The {@code DedupeQaTexts} step: near-duplicate QA records (of other scenes) go to {@link
   * DedupeQaTexts#DUPLICATES}; with dedupe off, the QA pass through unchanged.
   */
  public static PCollectionTuple dedupeQa(PCollection<QaRecord> qa, Config cfg) {
    if (cfg.dedupe() == null) {
      return PCollectionTuple.of(DedupeQaTexts.KEPT, qa);
    }
    return qa.apply("DedupeQaTexts", DedupeQaTexts.of(cfg.dedupe()));
  }

  /**
   * The sinks: Avro shards under OUTPUT/scenes, OUTPUT/qa, OUTPUT/deadletters and (with dedupe)
   * OUTPUT/duplicates.
   */
  public static void write(Outputs out, String output) {
    write(out, output, Streaming.defaults());
  }

  /**
   * The sinks; unbounded outputs are windowed first. Ingest-only runs write OUTPUT/images
   * (ImageRecord shards, bytes under OUTPUT/images/blobs/) instead of scenes and qa.
   */
  public static void write(Outputs out, String output, Streaming streaming) {
    if (out.scenes() != null) {
      windowed(out.scenes(), "Scenes", streaming)
          .apply(
              "WriteScenes",
              WriteAvro.of(SceneRecord.class, WriteAvro.child(output, "scenes"))
                  .withStreamingShards(streaming.shards()));
    }
    if (out.qa() != null) {
      windowed(out.qa(), "Qa", streaming)
          .apply("CountQa", CountAs.counter("records.qa"))
          .apply(
              "WriteQa",
              WriteAvro.of(QaRecord.class, WriteAvro.child(output, "qa"))
                  .withStreamingShards(streaming.shards()));
    }
    if (out.duplicates() != null) {
      windowed(out.duplicates(), "Duplicates", streaming)
          .apply("CountDuplicates", CountAs.counter("records.duplicates"))
          .apply(
              "WriteDuplicates",
              WriteAvro.of(DuplicateRecord.class, WriteAvro.child(output, "duplicates"))
                  .withStreamingShards(streaming.shards()));
    }
    if (out.images() != null) {
      String images = WriteAvro.child(output, "images");
      PCollection<ImageRecord> records =
          out.images()
              .apply("StoreImages", StoreImageBlobs.to(WriteAvro.child(images, "blobs")))
              .apply("CountImages", CountAs.counter(Ledger.OUT + "images"));
      windowed(records, "Images", streaming)
          .apply(
              "WriteImages",
              WriteAvro.of(ImageRecord.class, images).withStreamingShards(streaming.shards()));
    }
    windowed(out.deadLetters(), "DeadLetters", streaming)
        .apply("CountDeadLetters", CountAs.counter(RunLedger.DEAD_LETTERS_WRITTEN))
        .apply(
            "WriteDeadLetters",
            WriteAvro.of(DeadLetter.class, WriteAvro.child(output, "deadletters"))
                .withStreamingShards(streaming.shards()));
  }

  /**
   * Unbounded: fixed windows of the window size, fired when the watermark passes the window's end
   * and again for late data (one pane per window size of processing time) until the allowed
   * lateness ends. Bounded, or already windowed/triggered upstream (e.g. the mix gate's admitted
   * QA): unchanged.
   */
  static <T> PCollection<T> windowed(PCollection<T> pc, String name, Streaming s) {
    if (pc.isBounded() == PCollection.IsBounded.BOUNDED) {
      return pc;
    }
    var ws = pc.getWindowingStrategy();
    if (!(ws.getWindowFn() instanceof org.apache.beam.sdk.transforms.windowing.GlobalWindows)
        || !(ws.getTrigger() instanceof org.apache.beam.sdk.transforms.windowing.DefaultTrigger)) {
      return pc;
    }
    return pc.apply(
        "Window" + name,
        Window.<T>into(FixedWindows.of(s.windowSize()))
            .triggering(
                AfterWatermark.pastEndOfWindow()
                    .withLateFirings(
                        AfterProcessingTime.pastFirstElementInPane().plusDelayOf(s.windowSize())))
            .withAllowedLateness(s.allowedLateness())
            .discardingFiredPanes());
  }
}
