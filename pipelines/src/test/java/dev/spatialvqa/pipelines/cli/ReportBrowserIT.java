package dev.spatialvqa.pipelines.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spatialvqa.pipelines.graph.Fixtures;
import dev.spatialvqa.schemas.QaRecord;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run on the bundled scenes (plus bad manifest lines, so there are dead letters), {@code eval} of
 * exact answers into the run folder, {@code report}, and the page opened in headless chromium with
 * the network off: it loads with no console errors, every image loads, it has one section per
 * scene, and a screenshot is taken.
 */
class ReportBrowserIT {
  private final ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
  private final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
  private final PrintStream out = new PrintStream(outBytes, true, StandardCharsets.UTF_8);
  private final PrintStream err = new PrintStream(errBytes, true, StandardCharsets.UTF_8);

  private int main(String... args) throws Exception {
    outBytes.reset();
    errBytes.reset();
    return Main.run(List.of(args), out, err);
  }

  @Test
  void reportOfTheBundledScenesOpensInHeadlessChromium(@TempDir Path dir) throws Exception {
    Path run = dir.resolve("run");
    Path manifest = Fixtures.manifestWithBadLines(dir);
    assertEquals(
        0, main("run", "--input=manifest:" + manifest, "--output=" + run), errBytes.toString());

    // exact answers by qa_id: eval scores them 100% and writes eval.json into the run folder
    List<QaRecord> qa = ReportCommand.read(run.resolve("qa"), QaRecord.class);
    ObjectMapper json = new ObjectMapper();
    List<String> lines = new ArrayList<>();
    for (QaRecord q : qa) {
      lines.add(
          json.writeValueAsString(
              json.createObjectNode().put("qa_id", q.getQaId()).put("prediction", q.getAnswer())));
    }
    Path preds = dir.resolve("predictions.jsonl");
    Files.write(preds, lines);
    assertEquals(
        0,
        main("eval", "--qa=" + run, "--predictions=" + preds, "--output=" + run),
        errBytes.toString());
    JsonNode eval = json.readTree(run.resolve("eval.json").toFile());
    // every prediction is matched; multi-step records are counted apart, not scored by the
    // free-text parser (their answers are checked with the verifiable export)
    assertEquals(qa.size(), eval.get("scored").asInt());
    assertEquals(100.0, eval.get("total").get("qualitative_accuracy_pct").asDouble());
    assertEquals(100.0, eval.get("total").get("within_25pct_pct").asDouble());

    Path report = dir.resolve("report");
    assertEquals(0, main("report", "--input=" + run, "--output=" + report), errBytes.toString());
    Path index = report.resolve("index.html");
    String html = Files.readString(index);
    assertFalse(
        Pattern.compile("(src|href)=\"(https?:)?//").matcher(html).find(),
        "the page references nothing on the network");
    assertTrue(html.contains("missing_file"), "dead letters by reason are on the page");

    try (HeadlessChromium c = HeadlessChromium.start(dir.resolve("profile"))) {
      c.call("Runtime.enable", null);
      c.call("Log.enable", null);
      c.call("Page.enable", null);
      c.call("Network.enable", null);
      ObjectNode offline = HeadlessChromium.params();
      offline.put("offline", true);
      offline.put("latency", 0);
      offline.put("downloadThroughput", -1);
      offline.put("uploadThroughput", -1);
      c.call("Network.emulateNetworkConditions", offline);
      ObjectNode nav = HeadlessChromium.params();
      nav.put("url", index.toUri().toString());
      JsonNode navigated = c.call("Page.navigate", nav);
      assertFalse(navigated.has("errorText"), navigated.toString());
      c.await("Page.loadEventFired", Duration.ofSeconds(60));

      ObjectNode eval1 = HeadlessChromium.params();
      eval1.put(
          "expression",
          "JSON.stringify({sections: [...document.querySelectorAll('section.scene h3')]"
              + ".map(e => e.textContent), images: [...document.images].map(i => ({src: i.src,"
              + " ok: i.complete && i.naturalWidth > 0}))})");
      eval1.put("returnByValue", true);
      JsonNode page =
          json.readTree(c.call("Runtime.evaluate", eval1).get("result").get("value").asText());
      List<String> sections = new ArrayList<>();
      page.get("sections").forEach(s -> sections.add(s.asText()));
      assertEquals(List.of("sunrgbd-000001", "sunrgbd-000002"), sections, "one section per scene");
      // per scene three pictures, plus the run's charts and the eval chart
      assertTrue(page.get("images").size() >= 3 * 2 + 6, page.toString());
      for (JsonNode i : page.get("images")) {
        assertTrue(i.get("ok").asBoolean(), "image did not load: " + i);
        assertTrue(i.get("src").asText().startsWith("file:"), i.toString());
      }
      assertEquals(List.of(), c.errors(), "console errors");

      ObjectNode shot = HeadlessChromium.params();
      shot.put("format", "png");
      shot.put("captureBeyondViewport", true);
      Path png = Path.of("target", "report-screenshot.png");
      Files.createDirectories(png.getParent());
      byte[] bytes = HeadlessChromium.screenshot(c.call("Page.captureScreenshot", shot), png);
      BufferedImage img = ImageIO.read(new ByteArrayInputStream(bytes));
      assertTrue(img != null && img.getWidth() > 100 && img.getHeight() > 100, "a screenshot");
      // the page is not blank: the screenshot has more than a handful of colours
      java.util.Set<Integer> colours = new java.util.HashSet<>();
      for (int y = 0; y < img.getHeight(); y += 7) {
        for (int x = 0; x < img.getWidth(); x += 7) {
          colours.add(img.getRGB(x, y));
        }
      }
      assertTrue(colours.size() > 50, "screenshot colours: " + colours.size());

      // the checks above can fail: a missing picture is seen as not loaded and as an error
      ObjectNode broken = HeadlessChromium.params();
      broken.put(
          "expression",
          "new Promise(r => { const i = new Image(); i.onload = () => r(i.naturalWidth);"
              + " i.onerror = () => r(-1); i.src = 'img/no-such-picture.png';"
              + " document.body.appendChild(i); })");
      broken.put("awaitPromise", true);
      broken.put("returnByValue", true);
      assertEquals(
          -1, c.call("Runtime.evaluate", broken).get("result").get("value").asInt(), "not loaded");
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (c.errors().isEmpty() && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertFalse(c.errors().isEmpty(), "a failed load is reported as an error");
    }
  }
}
