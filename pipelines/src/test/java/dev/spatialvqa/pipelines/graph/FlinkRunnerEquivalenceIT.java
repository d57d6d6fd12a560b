package dev.spatialvqa.pipelines.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spatialvqa.schemas.DeadLetter;
import dev.spatialvqa.schemas.QaRecord;
import dev.spatialvqa.schemas.SceneRecord;
import dev.spatialvqa.transforms.errors.RunLedger;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The same run on the Flink runner's embedded mini-cluster writes what the DirectRunner writes. */
class FlinkRunnerEquivalenceIT {
  @Test
  void flinkOutputEqualsDirectOutput(@TempDir Path dir) throws Exception {
    Path manifest = Fixtures.manifestWithBadLines(dir);
    Path direct = dir.resolve("direct");
    Path flink = dir.resolve("flink");
    PrintStream quiet = new PrintStream(new ByteArrayOutputStream());

    RunLedger d =
        JobRunner.run(
            JobRunner.options(
                List.of(
                    "--input=manifest:" + manifest, "--output=" + direct, "--runner=DirectRunner")),
            false,
            quiet);
    RunLedger f =
        JobRunner.run(
            JobRunner.options(
                List.of(
                    "--input=manifest:" + manifest,
                    "--output=" + flink,
                    "--runner=FlinkRunner",
                    "--flinkMaster=[local]",
                    "--parallelism=2")),
            false,
            quiet);

    assertTrue(d.balanced(), d.balanceLine());
    assertTrue(f.balanced(), f.balanceLine());
    assertEquals(d.toMap(), f.toMap());

    List<SceneRecord> ds =
        sorted(Outputs.read(direct.resolve("scenes"), SceneRecord.class), SceneRecord::getSceneId);
    List<SceneRecord> fs =
        sorted(Outputs.read(flink.resolve("scenes"), SceneRecord.class), SceneRecord::getSceneId);
    assertEquals(2, ds.size());
    assertEquals(ds, fs);

    Set<QaRecord> dq = Set.copyOf(Outputs.read(direct.resolve("qa"), QaRecord.class));
    Set<QaRecord> fq = Set.copyOf(Outputs.read(flink.resolve("qa"), QaRecord.class));
    assertFalse(dq.isEmpty());
    assertEquals(dq, fq);

    Set<String> dd = reasons(Outputs.read(direct.resolve("deadletters"), DeadLetter.class));
    Set<String> fd = reasons(Outputs.read(flink.resolve("deadletters"), DeadLetter.class));
    assertEquals(Set.of("malformed_json", "missing_file", "missing_model"), dd);
    assertEquals(dd, fd);
  }

  private static <T> List<T> sorted(List<T> l, java.util.function.Function<T, String> key) {
    return l.stream().sorted(Comparator.comparing(key)).collect(Collectors.toList());
  }

  private static Set<String> reasons(List<DeadLetter> l) {
    return l.stream().map(DeadLetter::getReason).collect(Collectors.toSet());
  }
}
