package dev.spatialvqa.core.lift;

import dev.spatialvqa.core.metrics.Counts;
import dev.spatialvqa.schemas.GravityEvidence;
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

/** The pure mapping from a perceived scene to a lifted scene record. */
public final class SceneRecords {
  private SceneRecords() {}

  /** The pure mapping from a perceived scene to a scene record (counts filtered objects). */
  public static SceneRecord lift(SceneLifter lifter, PerceivedScene s) {
    return lift(lifter, s, Counts.NONE);
  }

  /**
   * As {@link #lift(SceneLifter, PerceivedScene)}, reporting filtered objects and lift statistics
   * to {@code counts}.
   */
  public static SceneRecord lift(SceneLifter lifter, PerceivedScene s, Counts counts) {
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
              "mask of object "
                  + o.getObjectId()
                  + " has "
                  + mask.length
                  + " bytes, expected "
                  + (w * h + 7) / 8);
        }
      }
      double[] box = o.getBox2dXyxy() == null ? null : toArray(o.getBox2dXyxy());
      if (mask == null && box == null) {
        counts.inc(Counts.OBJECTS_FILTERED + "no_mask_or_box", 1);
        continue;
      }
      inputs.add(new ObjectInput(o.getObjectId(), o.getCaption(), box, mask));
    }
    double[] givenUp = s.getGravityUpCamera() == null ? null : toArray(s.getGravityUpCamera());
    LiftResult r = lifter.lift(new DepthImage(w, h, depth), intrinsics, inputs, givenUp);

    for (LiftResult.FilteredObject f : r.filteredObjects()) {
      counts.inc(Counts.OBJECTS_FILTERED + f.reason(), 1);
    }
    if (r.gravityEvidence() != null && r.gravityEvidence().reason() != null) {
      counts.inc("lift.not_canonicalized_" + r.gravityEvidence().reason(), 1);
    }
    if (r.stats() != null) {
      for (Map.Entry<String, Long> e : r.stats().entrySet()) {
        counts.inc("lift." + e.getKey(), e.getValue());
      }
    }
    List<SceneObject> objects = new ArrayList<>();
    for (LiftedObject o : r.objects()) {
      SceneObject.Builder b =
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
              .setSidesSeen(o.sidesSeen())
              .setExtentReliable(reliable(o.extentReliable()));
      Visibility v = o.visibility();
      if (v != null) {
        b.setBorderSides(v.borderSides())
            .setOccludedShare(v.occludedShare())
            .setDepthCoverage(v.depthCoverage())
            .setSamplingM(list(v.samplingM()))
            .setCutFaces(v.cutFaces())
            .setUnreliableExtents(v.unreliableExtents())
            .setCenterUncertaintyM(list(v.centerUncertaintyM()));
      }
      objects.add(b.build());
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
        .setGravityEvidence(evidence(r.gravityEvidence()))
        .setObjects(objects)
        .setProvenance(s.getProvenance())
        .build();
  }

  private static GravityEvidence evidence(PlaneFinder.Evidence e) {
    if (e == null) {
      return null;
    }
    return GravityEvidence.newBuilder()
        .setDecidedBy(e.decidedBy())
        .setPlanes(e.planes())
        .setPoints(e.points())
        .setUncertaintyDeg(e.uncertaintyDeg())
        .setConfidence(e.confidence())
        .setReason(e.reason())
        .setDetail(e.detail())
        .build();
  }

  private static List<Boolean> reliable(boolean[] a) {
    if (a == null) {
      return null;
    }
    List<Boolean> l = new ArrayList<>(a.length);
    for (boolean b : a) {
      l.add(b);
    }
    return l;
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
