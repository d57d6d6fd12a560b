package dev.spatialvqa.pipelines.graph;

import dev.spatialvqa.core.runtime.DjlOffline;
import dev.spatialvqa.pipelines.options.SpatialVqaOptions;
import java.util.List;
import org.apache.beam.sdk.Pipeline;

/**
 * Entry of the Dataflow Flex Template (runners/dataflow): builds the main job from the template's
 * parameters and submits it without waiting (Dataflow reports the ledger counters as job metrics).
 */
public final class FlexTemplateMain {
  private FlexTemplateMain() {}

  public static void main(String[] args) {
    DjlOffline.enforce();
    SpatialVqaOptions o = JobRunner.options(List.of(args));
    Pipeline p = Pipeline.create(o);
    SpatialVqaPipeline.build(p, o);
    p.run();
  }
}
