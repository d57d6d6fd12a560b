package dev.spatialvqa.core.refer;

import dev.spatialvqa.schemas.QaRecord;
import dev.spatialvqa.schemas.SceneObject;
import dev.spatialvqa.schemas.SceneRecord;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks that nothing can refer ambiguously: within a scene every non-null referring expression is
 * unique, ambiguous objects have none, and every QA record refers only to non-ambiguous objects of
 * its scene, through their referring expressions. Pure logic, for tests and audits.
 */
public final class AmbiguityAudit {
  private AmbiguityAudit() {}

  /** Problems with a scene's referring expressions (empty when sound). */
  public static List<String> sceneViolations(SceneRecord scene) {
    List<String> v = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (SceneObject o : scene.getObjects()) {
      String e = o.getReferringExpression();
      if (o.getAmbiguous() && e != null) {
        v.add(
            scene.getSceneId()
                + "/"
                + o.getObjectId()
                + ": ambiguous but has expression '"
                + e
                + "'");
      }
      if (!o.getAmbiguous() && e == null) {
        v.add(scene.getSceneId() + "/" + o.getObjectId() + ": not ambiguous but has no expression");
      }
      if (e != null && !seen.add(e)) {
        v.add(scene.getSceneId() + ": expression '" + e + "' used twice");
      }
    }
    return v;
  }

  /** Problems with QA records' references to the scene's objects (empty when sound). */
  public static List<String> qaViolations(SceneRecord scene, Iterable<QaRecord> qas) {
    Map<String, SceneObject> byId = new HashMap<>();
    for (SceneObject o : scene.getObjects()) {
      byId.put(o.getObjectId(), o);
    }
    List<String> v = new ArrayList<>(sceneViolations(scene));
    for (QaRecord qa : qas) {
      if (!qa.getSceneId().equals(scene.getSceneId())) {
        continue;
      }
      List<String> ids = qa.getObjectIds();
      List<String> refs = qa.getObjectRefs();
      if (refs.size() != ids.size()) {
        v.add(qa.getQaId() + ": " + ids.size() + " object ids but " + refs.size() + " object refs");
        continue;
      }
      for (int i = 0; i < ids.size(); i++) {
        SceneObject o = byId.get(ids.get(i));
        if (o == null) {
          v.add(qa.getQaId() + ": unknown object " + ids.get(i));
        } else if (o.getAmbiguous() || o.getReferringExpression() == null) {
          v.add(qa.getQaId() + ": refers to ambiguous object " + ids.get(i));
        } else if (!o.getReferringExpression().equals(refs.get(i))) {
          v.add(
              qa.getQaId()
                  + ": refers to "
                  + ids.get(i)
                  + " as '"
                  + refs.get(i)
                  + "', its expression is '"
                  + o.getReferringExpression()
                  + "'");
        }
      }
      if (qa.getAnswerObjectId() != null) {
        SceneObject o = byId.get(qa.getAnswerObjectId());
        if (o == null || o.getAmbiguous()) {
          v.add(
              qa.getQaId()
                  + ": answer names unknown or ambiguous object "
                  + qa.getAnswerObjectId());
        }
      }
    }
    return v;
  }
}
