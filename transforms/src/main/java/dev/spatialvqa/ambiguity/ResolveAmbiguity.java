package dev.spatialvqa.ambiguity;

import dev.spatialvqa.errors.Ledger;
import dev.spatialvqa.schemas.SceneObject;
import dev.spatialvqa.schemas.SceneRecord;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;

/**
 * Gives each object a referring expression unique within its scene, or marks it ambiguous so QA
 * never refers to it. This first version groups objects by identical (normalised) captions: a
 * caption used once becomes "the caption"; objects sharing a caption are marked ambiguous.
 * Stateless, any windowing; counts {@code objects_ambiguous}.
 */
public final class ResolveAmbiguity extends PTransform<PCollection<SceneRecord>, PCollection<SceneRecord>> {
  private ResolveAmbiguity() {}

  public static ResolveAmbiguity create() {
    return new ResolveAmbiguity();
  }

  @Override
  public PCollection<SceneRecord> expand(PCollection<SceneRecord> scenes) {
    return scenes.apply("AssignReferringExpressions", ParDo.of(new ResolveFn()));
  }

  static final class ResolveFn extends DoFn<SceneRecord, SceneRecord> {
    @ProcessElement
    public void process(@Element SceneRecord scene, OutputReceiver<SceneRecord> out) {
      Map<String, Integer> uses = new HashMap<>();
      for (SceneObject o : scene.getObjects()) {
        uses.merge(normalise(o.getCaption()), 1, Integer::sum);
      }
      List<SceneObject> objects = new ArrayList<>();
      for (SceneObject o : scene.getObjects()) {
        SceneObject.Builder b = SceneObject.newBuilder(o);
        String key = normalise(o.getCaption());
        if (uses.get(key) > 1) {
          b.setAmbiguous(true).setReferringExpression(null);
          Ledger.counter("objects_ambiguous").inc();
        } else {
          b.setAmbiguous(false).setReferringExpression("the " + key);
        }
        objects.add(b.build());
      }
      out.output(SceneRecord.newBuilder(scene).setObjects(objects).build());
    }
  }

  static String normalise(String caption) {
    String c = caption.trim().toLowerCase(Locale.ROOT).replaceAll("\\s+", " ");
    for (String article : new String[] {"the ", "a ", "an "}) {
      if (c.startsWith(article)) {
        c = c.substring(article.length());
      }
    }
    return c;
  }
}
