package dev.spatialvqa.transforms.lift;

import dev.spatialvqa.core.lift.LiftConfig;
import dev.spatialvqa.core.lift.SceneLifter;
import dev.spatialvqa.core.lift.SceneRecords;
import dev.spatialvqa.schemas.PerceivedScene;
import dev.spatialvqa.schemas.SceneRecord;
import dev.spatialvqa.transforms.errors.DeadLetters;
import dev.spatialvqa.transforms.errors.Ledger;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;
import org.joda.time.Instant;

/**
 * Lifts perceived scenes to metric 3D boxes in a gravity-aligned frame ({@link SceneLifter} does
 * the geometry). Outputs {@link #SCENES} and {@link DeadLetters#TAG} (stage {@code lift}: a scene
 * whose depth or objects are inconsistent). Objects that cannot be lifted are counted under {@code
 * objects_filtered.<reason>}; depth pixels skipped under {@code depth.<cause>}. Stateless, any
 * windowing.
 */
public final class LiftScenes extends PTransform<PCollection<PerceivedScene>, PCollectionTuple> {
  public static final TupleTag<SceneRecord> SCENES = new TupleTag<SceneRecord>("lifted") {};
  static final String STAGE = "lift";

  private final LiftConfig config;

  private LiftScenes(LiftConfig config) {
    this.config = config;
  }

  public static LiftScenes with(LiftConfig config) {
    return new LiftScenes(config);
  }

  @Override
  public PCollectionTuple expand(PCollection<PerceivedScene> scenes) {
    return scenes.apply(
        "LiftToBoxes",
        ParDo.of(new LiftFn(config)).withOutputTags(SCENES, TupleTagList.of(DeadLetters.TAG)));
  }

  static final class LiftFn extends DoFn<PerceivedScene, SceneRecord> {
    private final LiftConfig config;
    private transient SceneLifter lifter;

    LiftFn(LiftConfig config) {
      this.config = config;
    }

    @Setup
    public void setup() {
      lifter = new SceneLifter(config);
    }

    @ProcessElement
    public void process(@Element PerceivedScene s, @Timestamp Instant ts, MultiOutputReceiver out) {
      SceneRecord record;
      try {
        record = SceneRecords.lift(lifter, s, Ledger.COUNTS);
      } catch (IllegalArgumentException e) {
        out.get(DeadLetters.TAG)
            .output(
                DeadLetters.of(
                    STAGE,
                    e instanceof dev.spatialvqa.core.lift.LiftException le
                        ? le.reason()
                        : "inconsistent_scene",
                    e.getMessage(),
                    DeadLetters.ref(s.getImageUri(), s.getContentHash(), s.getSceneId(), null),
                    DeadLetters.eventTime(ts)));
        return;
      }
      out.get(SCENES).output(record);
    }
  }
}
