package dev.spatialvqa.transforms.mix;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.apache.beam.runners.flink.FlinkPipelineOptions;
import org.apache.beam.runners.flink.FlinkRunner;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.metrics.MetricNameFilter;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.MetricsFilter;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.testing.PAssert;
import org.junit.jupiter.api.Test;

/**
 * The oversupply and late-data scenarios of {@link MixGateTest} on Flink's embedded mini-cluster,
 * streaming, in one job.
 */
class MixGateFlinkIT {
  @Test
  void oversupplyAndLateDataOnFlink() {
    FlinkPipelineOptions o = PipelineOptionsFactory.create().as(FlinkPipelineOptions.class);
    o.setRunner(FlinkRunner.class);
    o.setFlinkMaster("[local]");
    o.setStreaming(true);
    o.setParallelism(1);
    Pipeline p = Pipeline.create(o);
    MixGate.Result r = MixGateTest.gate(p, MixGateTest.oversupply(), MixGateTest.oversupplyGate());
    MixGateTest.assertOversupply(r);
    MixGateTest.lateScenario(p, "Late", false);

    PipelineResult result = p.run();
    result.waitUntilFinish();

    assertEquals(PipelineResult.State.DONE, result.getState());
    assertEquals(
        5,
        counter(result, PAssert.class.getName(), PAssert.SUCCESS_COUNTER),
        "assertions that ran");
    assertEquals(0, counter(result, PAssert.class.getName(), PAssert.FAILURE_COUNTER));
    assertEquals(
        MixGateTest.oversupplyQaCount() + 9, // + the late scenario's 9 QA
        counter(result, "spatialvqa", "mix.qa_admitted")
            + counter(result, "spatialvqa", "mix.qa_reserved"));
  }

  private static long counter(PipelineResult r, String namespace, String name) {
    long sum = 0;
    for (MetricResult<Long> c :
        r.metrics()
            .queryMetrics(
                MetricsFilter.builder()
                    .addNameFilter(MetricNameFilter.named(namespace, name))
                    .build())
            .getCounters()) {
      sum += c.getAttempted();
    }
    return sum;
  }
}
