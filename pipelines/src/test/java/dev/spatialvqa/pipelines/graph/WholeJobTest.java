package dev.spatialvqa.pipelines.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spatialvqa.pipelines.options.SpatialVqaOptions;
import dev.spatialvqa.schemas.QaRecord;
import dev.spatialvqa.schemas.SceneRecord;
import dev.spatialvqa.transforms.errors.CountAs;
import dev.spatialvqa.transforms.errors.RunLedger;
import dev.spatialvqa.transforms.load.ReadManifest;
import dev.spatialvqa.transforms.mix.MixGate;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.testing.TestPipelineExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * JobTest through the one IO seam ({@link JobIo}): the whole job exactly as {@code run} builds it
 * (options mapping, load, lift, refer, generate, dedupe, mix gate, the dead-letter path), with an
 * in-memory manifest source and the sinks swapped for assertions on the outputs and the ledger.
 */
class WholeJobTest {
  @RegisterExtension
  final transient TestPipelineExtension pipeline = TestPipelineExtension.create();

  /** In-memory lines in, assertions out. */
  static final class MemoryIo implements JobIo, Serializable {
    private final String manifestUri;
    private final List<String> lines;

    MemoryIo(String manifestUri, List<String> lines) {
      this.manifestUri = manifestUri;
      this.lines = lines;
    }

    @Override
    public SpatialVqaPipeline.Inputs read(Pipeline p, SpatialVqaOptions o) {
      return new SpatialVqaPipeline.Inputs(
          p.apply("ReadManifest", ReadManifest.ofLines(manifestUri, lines)));
    }

    @Override
    public void writeMixSideOutputs(MixGate.Result mixed, SpatialVqaOptions o) {
      PAssert.that(mixed.reserve()).empty();
    }

    @Override
    public void write(SpatialVqaPipeline.Outputs out, SpatialVqaOptions o) {
      PAssert.that(out.scenes())
          .satisfies(
              scenes -> {
                Set<String> ids = new HashSet<>();
                scenes.forEach(s -> ids.add(s.getSceneId()));
                assertEquals(Set.of("sunrgbd-000001", "sunrgbd-000002"), ids);
                for (SceneRecord s : scenes) {
                  assertTrue(s.getCanonicalized(), s.getSceneId());
                }
                return null;
              });
      PAssert.that(out.qa())
          .satisfies(
              qa -> {
                int n = 0;
                Set<String> qaIds = new HashSet<>();
                for (QaRecord q : qa) {
                  n++;
                  qaIds.add(q.getQaId());
                }
                assertTrue(n > 50, "QA: " + n);
                assertEquals(n, qaIds.size(), "QA ids are unique content hashes");
                return null;
              });
      PAssert.that(
              out.deadLetters()
                  .apply("CountDeadLetters", CountAs.counter(RunLedger.DEAD_LETTERS_WRITTEN)))
          .empty();
    }
  }

  @Test
  void wholeJobThroughTheIoSeam(TestPipeline p) throws Exception {
    Path manifest = Path.of(WholeJobTest.class.getResource("/sunrgbd-dev/manifest.jsonl").toURI());
    List<String> lines = Files.readAllLines(manifest);
    SpatialVqaOptions o =
        PipelineOptionsFactory.fromArgs(
                "--input=manifest:" + manifest, "--output=/nonexistent-never-written")
            .as(SpatialVqaOptions.class);

    SpatialVqaPipeline.build(p, o, new MemoryIo(manifest.toString(), lines));
    RunLedger ledger = RunLedger.of(p.run(), "scenes");

    assertEquals(2, ledger.inputs());
    assertEquals(2, ledger.finished());
    assertTrue(ledger.complete(), ledger.balanceLine());
    assertTrue(ledger.get("records.qa") == 0, "the memory sink writes no files");
  }
}
