package dev.spatialvqa.transforms.refer;

import dev.spatialvqa.core.embed.TextEmbedder;
import dev.spatialvqa.core.embed.TextEmbedders;
import dev.spatialvqa.core.refer.AmbiguityConfig;
import dev.spatialvqa.core.refer.ReferringExpressions;
import dev.spatialvqa.schemas.SceneObject;
import dev.spatialvqa.schemas.SceneRecord;
import dev.spatialvqa.transforms.errors.Ledger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;

/**
 * Gives each object a referring expression unique within its scene, or marks it ambiguous so QA
 * never refers to it ({@link ReferringExpressions} holds the logic): objects whose captions are
 * identical or whose caption embeddings are similar are told apart by a spatial qualifier from the
 * 3D layout ("the left night stand", "the nearer car", "the lower shelf") when it is unambiguous
 * beyond a margin, else marked {@code ambiguous} with a null expression.
 *
 * <p>Stateless, any windowing, one output per input. Caption embeddings come from the configured
 * text embedder (default MiniLM; the model is shared per JVM, an embedder per DoFn instance); each
 * scene's distinct captions are embedded together. Counters: {@code objects_ambiguous}, {@code
 * objects_qualified}. Step: {@code AssignReferringExpressions}.
 */
public final class ResolveAmbiguity
    extends PTransform<PCollection<SceneRecord>, PCollection<SceneRecord>> {
  private final AmbiguityConfig config;

  private ResolveAmbiguity(AmbiguityConfig config) {
    this.config = config;
  }

  /** With the defaults: MiniLM caption embeddings, similarity 0.8, margins 0.15/0.25/0.15 m. */
  public static ResolveAmbiguity create() {
    return new ResolveAmbiguity(AmbiguityConfig.defaults());
  }

  public static ResolveAmbiguity with(AmbiguityConfig config) {
    return new ResolveAmbiguity(config);
  }

  @Override
  public PCollection<SceneRecord> expand(PCollection<SceneRecord> scenes) {
    return scenes.apply("AssignReferringExpressions", ParDo.of(new ResolveFn(config)));
  }

  static final class ResolveFn extends DoFn<SceneRecord, SceneRecord> {
    private final AmbiguityConfig config;
    private final Counter ambiguous = Ledger.counter("objects_ambiguous");
    private final Counter qualified = Ledger.counter("objects_qualified");
    private transient TextEmbedder embedder;

    ResolveFn(AmbiguityConfig config) {
      this.config = config;
    }

    @Setup
    public void setup() {
      if (config.usesEmbeddings()) {
        embedder = TextEmbedders.create(config.embedder());
      }
    }

    @ProcessElement
    public void process(@Element SceneRecord scene, OutputReceiver<SceneRecord> out) {
      SceneRecord clean = config.captions().cleanObjects(scene, Ledger.COUNTS);
      SceneRecord resolved =
          ReferringExpressions.apply(clean, embeddings(clean.getObjects()), config);
      for (SceneObject o : resolved.getObjects()) {
        if (o.getAmbiguous()) {
          ambiguous.inc();
        } else if (!o.getReferringExpression()
            .equals("the " + ReferringExpressions.normalise(o.getCaption()))) {
          qualified.inc();
        }
      }
      out.output(resolved);
    }

    private float[][] embeddings(List<SceneObject> objects) {
      if (embedder == null || objects.size() < 2) {
        return null;
      }
      Map<String, Integer> distinct = new LinkedHashMap<>();
      for (SceneObject o : objects) {
        distinct.putIfAbsent(ReferringExpressions.normalise(o.getCaption()), distinct.size());
      }
      float[][] vectors = embedder.embed(new ArrayList<>(distinct.keySet()));
      float[][] perObject = new float[objects.size()][];
      for (int i = 0; i < objects.size(); i++) {
        perObject[i] =
            vectors[distinct.get(ReferringExpressions.normalise(objects.get(i).getCaption()))];
      }
      return perObject;
    }

    @Teardown
    public void teardown() {
      if (embedder != null) {
        embedder.close();
      }
    }
  }
}
