package dev.spatialvqa.pipelines.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spatialvqa.core.perceive.PerceptionTestModels;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code models check}: per-role verdicts and the exit code, without running a job. */
class ModelsCommandTest {
  @TempDir Path dir;

  private record Run(int code, String out, String err) {}

  private Run run(String... args) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        Main.run(
            List.of(args),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void aGoodConfigIsAcceptedRoleByRole() throws Exception {
    Path cfg =
        Files.writeString(dir.resolve("models.json"), PerceptionTestModels.configJson(dir, false));
    Run r = run("models", "check", "--models=" + cfg);
    assertEquals(0, r.code(), r.out() + r.err());
    for (String role :
        List.of("clip_vision", "clip_text", "depth", "detector", "sam_encoder", "sam_decoder")) {
      assertTrue(r.out().matches("(?s).*" + role + " +ACCEPTED.*"), r.out());
    }
    assertTrue(r.out().contains("6 accepted, 0 refused, 0 missing"), r.out());
  }

  @Test
  void aRefusedRoleOrAMissingOneExitsNonZeroWithTheDifference() throws Exception {
    String json = PerceptionTestModels.configJson(dir, false);
    // the depth file swapped for the CLIP vision tower (hash updated): a signature mismatch
    Path vision = dir.resolve("clip_vision.onnx");
    String sha = dev.spatialvqa.core.models.ModelResolver.sha256(vision);
    String depthUri = dir.resolve("depth.onnx").toString();
    String depthSha = dev.spatialvqa.core.models.ModelResolver.sha256(dir.resolve("depth.onnx"));
    json = json.replace(depthUri, vision.toString()).replace(depthSha, sha);
    Path cfg = Files.writeString(dir.resolve("bad.json"), json);
    Run r = run("models", "check", "--models=" + cfg);
    assertEquals(1, r.code(), r.out());
    assertTrue(r.out().matches("(?s).*depth +REFUSED.*"), r.out());
    assertTrue(r.out().contains("missing output predicted_depth"), r.out());

    Path other = Files.createDirectories(dir.resolve("other"));
    Path noDetector =
        Files.writeString(
            other.resolve("nodet.json"),
            PerceptionTestModels.configJson(other, false)
                .replaceAll("\"detector\": \\{\"name\"[^{]*\\{[^}]*\\}\\},", ""));
    Run m = run("models", "check", "--models=" + noDetector, "--sceneFilter=false");
    assertEquals(1, m.code(), m.out() + m.err());
    assertTrue(m.out().matches("(?s).*detector +MISSING.*"), m.out());
  }

  @Test
  void usageErrorsExitTwo() throws Exception {
    assertEquals(2, run("models").code());
    assertEquals(2, run("models", "check").code());
    Run typo = run("models", "check", "--model=x.json");
    assertEquals(2, typo.code());
    assertTrue(typo.err().contains("did you mean --models"), typo.err());
    assertTrue(run("models", "--help").out().contains("ACCEPTED or REFUSED"));
  }
}
