package dev.spatialvqa.pipelines.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spatialvqa.pipelines.graph.Fixtures;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The commands a user types, through Main. */
class CommandLineIT {
  private final ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
  private final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
  private final PrintStream out = new PrintStream(outBytes, true, StandardCharsets.UTF_8);
  private final PrintStream err = new PrintStream(errBytes, true, StandardCharsets.UTF_8);

  private int main(String... args) throws Exception {
    outBytes.reset();
    errBytes.reset();
    return Main.run(List.of(args), out, err);
  }

  private String out() {
    return outBytes.toString(StandardCharsets.UTF_8);
  }

  @Test
  void everyCommandHasHelp() throws Exception {
    for (String c : Main.commands().keySet()) {
      assertEquals(0, main(c, "--help"), c);
      assertTrue(out().contains("usage: spatialvqa " + c), c + ": " + out());
    }
  }

  @Test
  void runWritesAvroAndABalancedLedgerAndInspectPrintsIt(@TempDir Path dir) throws Exception {
    Path manifest = Fixtures.manifestWithBadLines(dir);
    Path output = dir.resolve("out");
    assertEquals(
        0, main("run", "--input=manifest:" + manifest, "--output=" + output), errBytes.toString());

    JsonNode summary = new ObjectMapper().readTree(output.resolve("summary.json").toFile());
    assertEquals(5, summary.get("inputs").asLong());
    assertEquals(2, summary.get("outputs").get("scenes").asLong());
    assertTrue(summary.get("outputs").get("qa").asLong() > 10);
    assertEquals(1, summary.get("dead_letters").get("missing_file").asLong());
    assertEquals(1, summary.get("dead_letters").get("malformed_json").asLong());
    assertEquals(1, summary.get("dead_letters").get("missing_model").asLong());
    assertTrue(summary.get("balanced").asBoolean());
    long qaByType = 0;
    for (JsonNode n : summary.get("qa_generated_by_type")) {
      qaByType += n.asLong();
    }
    assertEquals(summary.get("outputs").get("qa").asLong(), qaByType);

    assertEquals(0, main("inspect", output.resolve("qa").toString(), "--limit=3"));
    List<String> lines = out().lines().toList();
    assertEquals(3, lines.size());
    for (String l : lines) {
      JsonNode qa = new ObjectMapper().readTree(l);
      assertTrue(qa.has("question") && qa.has("answer") && qa.has("question_type"), l);
    }
    assertEquals(0, main("inspect", output.resolve("scenes").toString()));
    assertEquals(2, out().lines().count());

    // a second run into the same folder is refused unless asked to overwrite
    assertEquals(2, main("run", "--input=manifest:" + manifest, "--output=" + output));
    assertTrue(errBytes.toString().contains("--overwrite"), errBytes.toString());
    assertEquals(
        0, main("run", "--input=manifest:" + manifest, "--output=" + output, "--overwrite"));
  }

  @Test
  void badArgumentsAreUsageErrors(@TempDir Path dir) throws Exception {
    assertEquals(2, main("nosuchcommand"));
    assertEquals(2, main("run", "--input=nosuchkind:x", "--output=" + dir));
    assertTrue(errBytes.toString().contains("known kinds"), errBytes.toString());
    assertEquals(2, main("inspect"));
    assertEquals(1, main("inspect", dir.resolve("missing").toString()));
    Files.writeString(dir.resolve("x.avro"), "not avro");
    assertEquals(1, main("inspect", dir.resolve("x.avro").toString()));
  }
}
