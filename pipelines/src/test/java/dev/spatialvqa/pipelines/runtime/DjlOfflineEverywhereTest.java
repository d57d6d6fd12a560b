package dev.spatialvqa.pipelines.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spatialvqa.core.runtime.DjlOffline;
import dev.spatialvqa.pipelines.cli.Main;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * DJL must never call home. Fails when an entry point (any main(), the launcher, CI, the test JVMs)
 * forgets to turn telemetry off and offline mode on.
 */
class DjlOfflineEverywhereTest {
  static Path projectRoot() {
    Path p = Path.of("").toAbsolutePath();
    while (p != null && !Files.exists(p.resolve("bin/spatialvqa"))) {
      p = p.getParent();
    }
    if (p == null) {
      throw new IllegalStateException(
          "project root (with bin/spatialvqa) not found above " + Path.of("").toAbsolutePath());
    }
    return p;
  }

  @Test
  void everyMainMethodEnforcesOfflineFirst() throws Exception {
    List<Path> mains = new ArrayList<>();
    List<String> offenders = new ArrayList<>();
    try (Stream<Path> files = Files.walk(projectRoot())) {
      for (Path f :
          files
              .filter(x -> x.toString().endsWith(".java") && x.toString().contains("/src/main/"))
              .toList()) {
        String src = Files.readString(f);
        int main = src.indexOf("static void main(");
        if (main < 0) {
          continue;
        }
        mains.add(f);
        int body = src.indexOf('{', main);
        int firstStatementEnd = src.indexOf(';', body);
        String first = src.substring(body + 1, firstStatementEnd + 1).trim();
        if (!first.equals("DjlOffline.enforce();")) {
          offenders.add(f + " (first statement: " + first + ")");
        }
      }
    }
    assertFalse(mains.isEmpty(), "found no main() at all");
    assertTrue(offenders.isEmpty(), "main() without DjlOffline.enforce() first: " + offenders);
  }

  @Test
  void launcherCiAndTestJvmsSetBothSwitches() throws Exception {
    Path root = projectRoot();
    for (String f : List.of("bin/spatialvqa", ".ci/run")) {
      String s = Files.readString(root.resolve(f));
      assertTrue(s.contains("OPT_OUT_TRACKING=true"), f + " does not set OPT_OUT_TRACKING=true");
      assertTrue(s.contains("DJL_OFFLINE=true"), f + " does not set DJL_OFFLINE=true");
    }
    String pom = Files.readString(root.resolve("pom.xml"));
    assertTrue(
        pom.contains("<OPT_OUT_TRACKING>true</OPT_OUT_TRACKING>"),
        "surefire env lacks OPT_OUT_TRACKING");
    assertTrue(pom.contains("<DJL_OFFLINE>true</DJL_OFFLINE>"), "surefire env lacks DJL_OFFLINE");
    // and this very JVM (a surefire fork) has them
    assertEquals("true", System.getenv("OPT_OUT_TRACKING"));
    assertEquals("true", System.getenv("DJL_OFFLINE"));
  }

  @Test
  void theCommandLineEntrySetsTheProperties() throws Exception {
    System.clearProperty("OPT_OUT_TRACKING");
    System.clearProperty("ai.djl.offline");
    Main.run(List.of("--help"), new PrintStream(new ByteArrayOutputStream()), System.err);
    assertEquals("true", System.getProperty("OPT_OUT_TRACKING"));
    assertEquals("true", System.getProperty("ai.djl.offline"));
    assertTrue(DjlOffline.isEnforced());
  }
}
