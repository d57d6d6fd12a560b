package dev.spatialvqa.core.lift;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spatialvqa.core.generate.QaConfig;
import dev.spatialvqa.core.generate.QaGenerator;
import dev.spatialvqa.schemas.Intrinsics;
import dev.spatialvqa.schemas.IntrinsicsSource;
import dev.spatialvqa.schemas.PerceivedObject;
import dev.spatialvqa.schemas.PerceivedScene;
import dev.spatialvqa.schemas.Provenance;
import dev.spatialvqa.schemas.QaRecord;
import dev.spatialvqa.schemas.SceneObject;
import dev.spatialvqa.schemas.SceneRecord;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Synthetic sweeps for {@link Visibility} and the QA it gates: an object slid out through the image
 * border, and an object progressively hidden by a nearer one. While an object is whole in view its
 * width questions are asked; once cut, none of the questions that need its width is asked about it,
 * while the other objects keep theirs and position questions about it are still asked.
 */
class VisibilitySweepTest {
  /** Question types whose answer needs the object's width (x extent). */
  static final Set<String> NEEDS_WIDTH =
      Set.of(
          "width",
          "size",
          "wider_predicate",
          "wider_choice",
          "thinner_predicate",
          "thinner_choice",
          "bigger_predicate",
          "bigger_choice",
          "smaller_predicate",
          "smaller_choice",
          "wider_by",
          "gap");

  /** Lifts a rendered scene through the real mapping and asks up to 400 questions. */
  static Map<String, Set<String>> typesByObject(SyntheticScene s, List<SceneObject> out) {
    SyntheticScene.Rendered r = s.render();
    ByteBuffer depth =
        ByteBuffer.allocate(r.depth().metres().length * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (float z : r.depth().metres()) {
      depth.putFloat(z);
    }
    depth.flip();
    List<PerceivedObject> objs = new ArrayList<>();
    for (ObjectInput o : r.objects()) {
      List<Double> box = new ArrayList<>();
      for (double v : o.box2dXyxy()) {
        box.add(v);
      }
      objs.add(
          PerceivedObject.newBuilder()
              .setObjectId(o.objectId())
              .setCaption(o.caption())
              .setBox2dXyxy(box)
              .setMask(ByteBuffer.wrap(o.maskBits()))
              .build());
    }
    CameraIntrinsics k = r.intrinsics();
    PerceivedScene scene =
        PerceivedScene.newBuilder()
            .setSceneId("synthetic")
            .setImageUri("synthetic.png")
            .setWidth(s.width)
            .setHeight(s.height)
            .setIntrinsics(new Intrinsics(k.fx(), k.fy(), k.cx(), k.cy()))
            .setIntrinsicsSource(IntrinsicsSource.given)
            .setDepthM(depth)
            .setObjects(objs)
            .setProvenance(
                Provenance.newBuilder()
                    .setEngineVersion("test")
                    .setModels(Map.of())
                    .setSettings(Map.of())
                    .build())
            .build();
    SceneRecord lifted = SceneRecords.lift(new SceneLifter(LiftConfig.defaults()), scene);
    assertTrue(lifted.getCanonicalized(), "synthetic room not canonicalized");
    List<SceneObject> named = new ArrayList<>();
    for (SceneObject o : lifted.getObjects()) {
      named.add(SceneObject.newBuilder(o).setReferringExpression("the " + o.getCaption()).build());
    }
    out.addAll(named);
    SceneRecord withRefs = SceneRecord.newBuilder(lifted).setObjects(named).build();
    Map<String, Set<String>> types = new HashMap<>();
    for (QaRecord q : new QaGenerator(QaConfig.defaults().withQaPerScene(400)).generate(withRefs)) {
      assertNotNull(
          q.getMarginSi() == null && !"direction".equals(q.getQuestionType()) ? null : "ok",
          "no margin on " + q.getQuestionType());
      for (String id : q.getObjectIds()) {
        types.computeIfAbsent(id, x -> new TreeSet<>()).add(q.getQuestionType());
      }
    }
    return types;
  }

  static SceneObject find(List<SceneObject> objs, String id) {
    return objs.stream().filter(o -> o.getObjectId().equals(id)).findFirst().orElseThrow();
  }

  static boolean asksWidth(Set<String> types) {
    return types != null && types.stream().anyMatch(NEEDS_WIDTH::contains);
  }

  static SyntheticScene room() {
    SyntheticScene s = SyntheticScene.room();
    s.pitchDownDeg = 20;
    s.holeFraction = 0.05;
    return s;
  }

  @Test
  void objectSlidOutThroughTheImageBorderLosesItsWidthQuestions() {
    int whole = 0, cut = 0;
    // the table slides left until half of it has left the view (about x = -2.8 at its depth)
    for (double x = -0.9; x >= -3.3; x -= 0.3) {
      SyntheticScene s = room();
      s.boxes.set(0, new SyntheticScene.Box("table", x, 3.2, 1.2, 0.7, 0.75, 0));
      List<SceneObject> objs = new ArrayList<>();
      Map<String, Set<String>> types = typesByObject(s, objs);
      SceneObject table = find(objs, "table");
      boolean touches = table.getBorderSides().contains("left");
      String at = String.format("table at x=%.1f: %s %s", x, table.getBorderSides(), types);
      if (touches) {
        cut++;
        assertTrue(table.getCutFaces().contains("-x"), at + " cut " + table.getCutFaces());
        assertTrue(table.getUnreliableExtents().contains("width"), at);
        assertFalse(asksWidth(types.get("table")), at);
        assertTrue(types.containsKey("table"), "nothing at all asked about the table: " + at);
      } else {
        whole++;
        assertTrue(table.getUnreliableExtents().isEmpty(), at + " " + table.getUnreliableExtents());
        assertTrue(asksWidth(types.get("table")), at);
      }
      // the others are whole in view and keep their width questions
      assertTrue(asksWidth(types.get("cabinet")), at);
      assertTrue(asksWidth(types.get("crate")), at);
    }
    assertTrue(whole >= 2 && cut >= 2, "sweep must cover both states: " + whole + "/" + cut);
  }

  static long cabinetPixels(SyntheticScene s) {
    return s.render().objects().stream()
        .filter(o -> o.objectId().equals("cabinet"))
        .mapToLong(o -> MaskBits.count(o.maskBits()))
        .sum();
  }

  @Test
  void objectHiddenByANearerOneLosesItsWidthQuestions() {
    int clear = 0, hidden = 0;
    // a tall screen 1.4 m in front of the cabinet slides across it from the right
    for (double x = 1.8; x >= 0.85; x -= 0.15) {
      SyntheticScene s = room();
      s.boxes.add(new SyntheticScene.Box("screen", x, 2.4, 0.5, 0.08, 1.8, 0));
      List<SceneObject> objs = new ArrayList<>();
      Map<String, Set<String>> types = typesByObject(s, objs);
      SceneObject cabinet = find(objs, "cabinet");
      SceneObject screen = find(objs, "screen");
      // the ground truth of the rendering: the share of the cabinet's pixels the screen hides
      double hiddenShare = 1 - cabinetPixels(s) / (double) cabinetPixels(room());
      boolean overlaps = hiddenShare >= 0.1;
      if (!overlaps && hiddenShare > 0) {
        continue; // a transition: a sliver hidden
      }
      List<Double> cb = cabinet.getBox2dXyxy(), sb = screen.getBox2dXyxy();
      String at =
          String.format(
              "screen at x=%.1f: boxes %s %s cabinet occluded %.2f cut %s, %s",
              x, cb, sb, cabinet.getOccludedShare(), cabinet.getCutFaces(), types.get("cabinet"));
      if (overlaps) {
        hidden++;
        assertTrue(cabinet.getUnreliableExtents().contains("width"), at);
        assertFalse(asksWidth(types.get("cabinet")), at);
      } else {
        clear++;
        assertTrue(cabinet.getOccludedShare() < 0.05, at);
        assertTrue(asksWidth(types.get("cabinet")), at);
      }
      assertTrue(asksWidth(types.get("crate")), at);
    }
    assertTrue(clear >= 2 && hidden >= 2, "sweep must cover both states: " + clear + "/" + hidden);
  }
}
