package dev.spatialvqa.pipelines.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spatialvqa.pipelines.graph.JobRunner;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Commands never delete or overwrite data they were not asked to (issue: data loss 1-3). */
class DataLossTest {
  private final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();

  private int main(String... args) throws Exception {
    return Main.run(
        List.of(args),
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
        new PrintStream(errBytes, true, StandardCharsets.UTF_8));
  }

  private String err() {
    return errBytes.toString(StandardCharsets.UTF_8);
  }

  /** An earlier run's output folder: the marker, a QA shard and a summary. */
  private static Path earlierRun(Path dir) throws Exception {
    Path out = dir.resolve("out");
    Files.createDirectories(out.resolve("qa"));
    Files.writeString(out.resolve(JobRunner.MARKER), "spatialvqa output folder\n");
    Files.write(out.resolve("qa/part-00000-of-00001.avro"), new byte[] {1, 2, 3});
    Files.writeString(out.resolve("summary.json"), "{}");
    return out;
  }

  @Test
  void overwriteWithAMissingInputKeepsTheEarlierResults(@TempDir Path dir) throws Exception {
    Path out = earlierRun(dir);
    int code =
        main(
            "run",
            "--input=manifest:" + dir.resolve("no-such-manifest.jsonl"),
            "--output=" + out,
            "--overwrite");
    assertEquals(2, code, err());
    assertTrue(err().contains("matches no file"), err());
    assertArrayEquals(
        new byte[] {1, 2, 3}, Files.readAllBytes(out.resolve("qa/part-00000-of-00001.avro")));
    assertTrue(Files.exists(out.resolve("summary.json")));
  }

  @Test
  void overwriteOfAnImageInputWithoutModelsKeepsTheEarlierResults(@TempDir Path dir)
      throws Exception {
    Path out = earlierRun(dir);
    Path urls = dir.resolve("urls.txt");
    Files.writeString(urls, "http://127.0.0.1:9/a.jpg\n");
    int code = main("run", "--input=urls:" + urls, "--output=" + out, "--overwrite");
    assertEquals(2, code, err());
    assertTrue(Files.exists(out.resolve("qa/part-00000-of-00001.avro")));
  }

  @Test
  void demoRefusesAFolderItDidNotWriteAndDeletesNothing(@TempDir Path dir) throws Exception {
    String home = System.getProperty("spatialvqa.home");
    System.setProperty("spatialvqa.home", Path.of("..").toAbsolutePath().normalize().toString());
    try {
      Path mine = dir.resolve("mine");
      Files.createDirectories(mine.resolve("images"));
      Files.writeString(mine.resolve("images/holiday.txt"), "my photos");
      int code = main("demo", "--output=" + mine);
      assertEquals(2, code, err());
      assertTrue(err().contains("did not write"), err());
      assertEquals("my photos", Files.readString(mine.resolve("images/holiday.txt")));
    } finally {
      if (home == null) {
        System.clearProperty("spatialvqa.home");
      } else {
        System.setProperty("spatialvqa.home", home);
      }
    }
  }

  @Test
  void exportNeverOverwritesAnExistingFile(@TempDir Path dir) throws Exception {
    Path out = earlierRun(dir);
    Path shard = out.resolve("qa/part-00000-of-00001.avro");
    int code = main("export", "--format=messages", "--input=" + out, "--output=" + shard);
    assertEquals(2, code, err());
    assertTrue(err().contains("exists; nothing was written"), err());
    assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(shard));
  }

  @Test
  void aMisspelledOptionIsRefusedWithTheOptionItProbablyMeant(@TempDir Path dir) throws Exception {
    Files.createDirectories(dir.resolve("qa"));
    assertEquals(2, main("inspect", dir.resolve("qa").toString(), "--limt=1"), err());
    assertTrue(err().contains("unknown option --limt (did you mean --limit?)"), err());
    errBytes.reset();
    assertEquals(
        2, main("export", "--input=" + dir, "--output=x.jsonl", "--format=messages", "--overwrit"));
    assertTrue(err().contains("did you mean --overwrite?"), err());
    errBytes.reset();
    assertEquals(2, main("templates", "--jsn"));
    assertTrue(err().contains("did you mean --json?"), err());
  }

  @Test
  void anEmptyManifestFinishesWithAWarning(@TempDir Path dir) throws Exception {
    Path manifest = dir.resolve("empty.jsonl");
    Files.writeString(manifest, "\n\n");
    int code =
        main(
            "run",
            "--input=manifest:" + manifest,
            "--output=" + dir.resolve("out"),
            "--embedder=none",
            "--dedupe=false");
    assertEquals(0, code, err());
    assertTrue(err().contains("warning: the input held no records"), err());
  }

  @Test
  void anEmbedderOfNoneWithQaTextDedupeIsRefusedAtStartUp(@TempDir Path dir) throws Exception {
    Path manifest = dir.resolve("m.jsonl");
    Files.writeString(manifest, "\n");
    int code =
        main(
            "run",
            "--input=manifest:" + manifest,
            "--output=" + dir.resolve("out"),
            "--embedder=none",
            "--dedupeQaText=true");
    assertEquals(2, code, err());
    assertTrue(err().contains("leaves QA dedupe without an embedder"), err());
  }
}
