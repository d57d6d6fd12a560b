package dev.spatialvqa.transforms.generate;

import dev.spatialvqa.core.generate.MultiStepGenerator;
import dev.spatialvqa.core.generate.QaConfig;
import dev.spatialvqa.core.generate.QaGenerator;
import dev.spatialvqa.schemas.QaRecord;
import dev.spatialvqa.schemas.SceneRecord;
import dev.spatialvqa.transforms.errors.Ledger;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;

/**
 * Generates QA records for each scene from the template catalog ({@link QaGenerator} holds the
 * logic) and the multi-step catalog ({@link MultiStepGenerator}: records with {@code steps}).
 * Deterministic per scene; stateless, any windowing. Counts {@code qa_type.<type>}. A failure here
 * is a bug, not bad input, so it fails the bundle.
 */
public final class GenerateQa extends PTransform<PCollection<SceneRecord>, PCollection<QaRecord>> {
  private final QaConfig config;

  private GenerateQa(QaConfig config) {
    this.config = config;
  }

  public static GenerateQa with(QaConfig config) {
    return new GenerateQa(config);
  }

  @Override
  public PCollection<QaRecord> expand(PCollection<SceneRecord> scenes) {
    return scenes.apply("FillTemplates", ParDo.of(new GenerateFn(config)));
  }

  static final class GenerateFn extends DoFn<SceneRecord, QaRecord> {
    private final QaConfig config;
    private transient QaGenerator generator;
    private transient MultiStepGenerator multiStep;

    GenerateFn(QaConfig config) {
      this.config = config;
    }

    @Setup
    public void setup() {
      generator = new QaGenerator(config);
      multiStep = new MultiStepGenerator(config);
    }

    @ProcessElement
    public void process(@Element SceneRecord scene, OutputReceiver<QaRecord> out) {
      if (scene.getObjects().isEmpty()) {
        Ledger.counter(Ledger.SCENES_WITHOUT_OBJECTS).inc();
      }
      int n = 0;
      List<QaRecord> all = new ArrayList<>(generator.generate(scene));
      all.addAll(multiStep.generate(scene));
      for (QaRecord qa : all) {
        Ledger.qaType(qa.getQuestionType()).inc();
        out.output(qa);
        n++;
      }
      if (n == 0) {
        Ledger.counter(Ledger.SCENES_WITHOUT_QA).inc();
      }
    }
  }
}
