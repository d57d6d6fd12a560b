package dev.spatialvqa.lift;

import dev.spatialvqa.errors.DeadLetters;
import dev.spatialvqa.errors.Ledger;
import dev.spatialvqa.geometry.CameraIntrinsics;
import dev.spatialvqa.geometry.DepthImage;
import dev.spatialvqa.geometry.LiftConfig;
import dev.spatialvqa.geometry.LiftResult;
import dev.spatialvqa.geometry.LiftedObject;
import dev.spatialvqa.geometry.ObjectInput;
import dev.spatialvqa.geometry.SceneLifter;
import dev.spatialvqa.schemas.GravitySource;
import dev.spatialvqa.schemas.Intrinsics;
import dev.spatialvqa.schemas.PerceivedObject;
import dev.spatialvqa.schemas.PerceivedScene;
import dev.spatialvqa.schemas.SceneObject;
import dev.spatialvqa.schemas.SceneRecord;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;
import org.joda.time.Instant;

/**
 * Lifts perceived scenes to metric 3D boxes in a gravity-aligned frame ({@link SceneLifter} does the
 * geometry). Outputs {@link #SCENES} and {@link DeadLetters#TAG} (stage {@code lift}: a scene whose
 * depth or objects are inconsistent). Objects that cannot be lifted are counted under
 * {@code objects_filtered.<reason>}; depth pixels skipped under {@code depth.<cause>}. Stateless,
 * any windowing.
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
        record = lift(lifter, s);
      } catch (IllegalArgumentException e) {
        out.get(DeadLetters.TAG)
            .output(
                DeadLetters.of(
                    STAGE,
                    "inconsistent_scene",
                    e.getMessage(),
                    DeadLetters.ref(s.getImageUri(), s.getContentHash(), s.getSceneId(), null),
                    DeadLetters.eventTime(ts)));
        return;
      }
      out.get(SCENES).output(record);
    }
  }

  /** The pure mapping from a perceived scene to a scene record (counts filtered objects). */
  public static SceneRecord lift(SceneLifter lifter, PerceivedScene s) {
    int w = s.getWidth();
    int h = s.getHeight();
    ByteBuffer buf = s.getDepthM().duplicate().order(ByteOrder.LITTLE_ENDIAN);
    if (buf.remaining() != (long) w * h * 4) {
      throw new IllegalArgumentException(
          "depth has " + buf.remaining() / 4 + " values, expected " + w + "x" + h);
    }
    float[] depth = new float[w * h];
    buf.asFloatBuffer().get(depth);
    Intrinsics k = s.getIntrinsics();
    CameraIntrinsics intrinsics = new CameraIntrinsics(k.getFx(), k.getFy(), k.getCx(), k.getCy());
    intrinsics.validate(w, h);

    List<ObjectInput> inputs = new ArrayList<>();
    for (PerceivedObject o : s.getObjects()) {
      byte[] mask = null;
      if (o.getMask() != null) {
        ByteBuffer mb = o.getMask().duplicate();
        mask = new byte[mb.remaining()];
        mb.get(mask);
        if (mask.length != (w * h + 7) / 8) {
          throw new IllegalArgumentException(
              "mask of object " + o.getObjectId() + " has " + mask.length + " bytes, expected " + (w * h + 7) / 8);
        }
      }
      double[] box = o.getBox2dXyxy() == null ? null : toArray(o.getBox2dXyxy());
      if (mask == null && box == null) {
        Ledger.objectsFiltered("no_mask_or_box").inc();
        continue;
      }
      inputs.add(new ObjectInput(o.getObjectId(), o.getCaption(), box, mask));
    }
    double[] givenUp = s.getGravityUpCamera() == null ? null : toArray(s.getGravityUpCamera());
    LiftResult r = lifter.lift(new DepthImage(w, h, depth), intrinsics, inputs, givenUp);

    for (LiftResult.FilteredObject f : r.filteredObjects()) {
      Ledger.objectsFiltered(f.reason()).inc();
    }
    if (r.stats() != null) {
      for (Map.Entry<String, Long> e : r.stats().entrySet()) {
        Ledger.counter("lift." + e.getKey()).inc(e.getValue());
      }
    }
    List<SceneObject> objects = new ArrayList<>();
    for (LiftedObject o : r.objects()) {
      objects.add(
          SceneObject.newBuilder()
              .setObjectId(o.objectId())
              .setCaption(o.caption())
              .setReferringExpression(null)
              .setNumPoints(o.numPoints())
              .setCenterCamera(list(o.centerCamera()))
              .setCenter(list(o.center()))
              .setExtent(list(o.extent()))
              .setHeadingRad(o.headingRad())
              .setOrientedCenter(o.orientedCenter() == null ? null : list(o.orientedCenter()))
              .setOrientedExtent(o.orientedExtent() == null ? null : list(o.orientedExtent()))
              .setBox2dXyxy(o.box2dXyxy() == null ? null : list(o.box2dXyxy()))
              .setMaskSource(o.maskSource())
              .setAmbiguous(false)
              .build());
    }
    return SceneRecord.newBuilder()
        .setSceneId(s.getSceneId())
        .setImageUri(s.getImageUri())
        .setImageWidth(w)
        .setImageHeight(h)
        .setIntrinsics(k)
        .setIntrinsicsSource(s.getIntrinsicsSource())
        .setCanonicalized(r.canonicalized())
        .setGravityUpCamera(r.gravityUpCamera() == null ? null : list(r.gravityUpCamera()))
        .setGravitySource(
            r.gravityUpCamera() == null
                ? null
                : (r.gravityGiven() ? GravitySource.given : GravitySource.estimated))
        .setCameraHeightM(r.cameraHeightM())
        .setObjects(objects)
        .setProvenance(s.getProvenance())
        .build();
  }

  private static double[] toArray(List<Double> l) {
    double[] a = new double[l.size()];
    for (int i = 0; i < a.length; i++) {
      a[i] = l.get(i);
    }
    return a;
  }

  private static List<Double> list(double[] a) {
    return Arrays.stream(a).boxed().toList();
  }
}
