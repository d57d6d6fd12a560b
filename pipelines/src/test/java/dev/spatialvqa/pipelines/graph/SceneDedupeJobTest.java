package dev.spatialvqa.pipelines.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spatialvqa.core.dedupe.ImageVariants;
import dev.spatialvqa.schemas.DuplicateRecord;
import dev.spatialvqa.schemas.QaRecord;
import dev.spatialvqa.transforms.dedupe.DedupeScenes;
import dev.spatialvqa.transforms.errors.CountAs;
import dev.spatialvqa.transforms.errors.Ledger;
import dev.spatialvqa.transforms.errors.RunLedger;
import dev.spatialvqa.transforms.load.ReadManifest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import javax.imageio.ImageIO;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.testing.TestPipelineExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real job graph on manifests with planted copies of the bundled real scenes: every scene
 * listed again under another id with its image re-encoded at JPEG quality 0.7 (a re-crawl), and
 * once more with the very same bytes. The copies are dropped as scenes (recorded, counted as
 * filtered), the distinct scenes keep all of their QA, and the ledger balances.
 */
class SceneDedupeJobTest {
  @RegisterExtension
  final transient TestPipelineExtension pipeline = TestPipelineExtension.create();

  private static final ObjectMapper JSON = new ObjectMapper();

  /** The bundled manifest's lines with absolute paths. */
  static List<ObjectNode> bundledLines() throws Exception {
    List<ObjectNode> out = new ArrayList<>();
    for (String l : Files.readAllLines(Fixtures.bundledManifest())) {
      if (l.isBlank()) {
        continue;
      }
      ObjectNode n = (ObjectNode) JSON.readTree(l);
      for (String f : List.of("image", "depth", "instances")) {
        if (n.has(f)) {
          n.put(f, Fixtures.bundledDir().resolve(n.get(f).asText()).toString());
        }
      }
      out.add(n);
    }
    return out;
  }

  /**
   * Each scene once, then (when asked) a JPEG-0.7 re-encode under {@code ID-recrawl}, then the same
   * bytes under {@code ID-mirror}.
   */
  static Path manifest(Path dir, boolean reencoded, boolean sameBytes) throws Exception {
    List<String> lines = new ArrayList<>();
    List<ObjectNode> base = bundledLines();
    for (ObjectNode n : base) {
      lines.add(JSON.writeValueAsString(n));
    }
    for (ObjectNode n : base) {
      String id = n.get("scene_id").asText();
      if (reencoded) {
        Path img = dir.resolve(id + "-q70.jpg");
        Files.write(
            img, ImageVariants.jpeg(ImageIO.read(Path.of(n.get("image").asText()).toFile()), 0.7f));
        ObjectNode c = n.deepCopy();
        c.put("scene_id", id + "-recrawl");
        c.put("image", img.toString());
        lines.add(JSON.writeValueAsString(c));
      }
      if (sameBytes) {
        ObjectNode c = n.deepCopy();
        c.put("scene_id", id + "-mirror");
        lines.add(JSON.writeValueAsString(c));
      }
    }
    Path m = dir.resolve("manifest-" + reencoded + sameBytes + ".jsonl");
    Files.write(m, lines);
    return m;
  }

  record Run(RunLedger ledger, long qa) {}

  static Run run(TestPipeline p, Path manifest, List<String> expectedDuplicates) {
    SpatialVqaPipeline.Outputs out =
        SpatialVqaPipeline.process(
            new SpatialVqaPipeline.Inputs(p.apply("Read", ReadManifest.from(manifest.toString()))),
            SpatialVqaPipeline.Config.defaults());
    out.qa().apply("CountTestQa", CountAs.<QaRecord>counter("test.qa"));
    PAssert.that(out.duplicates())
        .satisfies(
            ds -> {
              List<String> got = new ArrayList<>();
              for (DuplicateRecord d : ds) {
                assertEquals("scene", d.getKind());
                // the kept scene is the original (same event time: the smaller id is first)
                assertTrue(d.getDroppedId().startsWith(d.getKeptId() + "-"), d.toString());
                got.add(d.getDroppedId() + ":" + d.getMethod());
                if (d.getMethod().equals(DedupeScenes.METHOD_PHASH)) {
                  assertTrue(d.getSimilarity() > 0.73, d.toString());
                } else {
                  assertEquals(1.0, d.getSimilarity());
                }
              }
              assertEquals(
                  expectedDuplicates.stream().sorted().toList(),
                  got.stream().sorted().collect(Collectors.toList()));
              return null;
            });
    PipelineResult r = p.run();
    r.waitUntilFinish();
    RunLedger ledger = RunLedger.of(r, "scenes");
    return new Run(ledger, ledger.get("test.qa"));
  }

  @Test
  void everySceneTwiceAddsNoQaAndTheSingleCopyKeepsAll(TestPipeline p, @TempDir Path dir)
      throws Exception {
    Run doubled =
        run(
            p,
            manifest(dir, true, true),
            List.of(
                "sunrgbd-000001-recrawl:phash64",
                "sunrgbd-000002-recrawl:phash64",
                "sunrgbd-000001-mirror:sha256",
                "sunrgbd-000002-mirror:sha256"));
    assertTrue(doubled.ledger().complete(), doubled.ledger().balanceLine());
    assertEquals(6, doubled.ledger().inputs());
    assertEquals(2, doubled.ledger().finished());
    assertEquals(4, doubled.ledger().get(Ledger.FILTERED + DedupeScenes.REASON));

    TestPipeline single = TestPipeline.create().enableAbandonedNodeEnforcement(false);
    Run once = run(single, manifest(dir, false, false), List.of());
    assertTrue(once.ledger().complete(), once.ledger().balanceLine());
    assertEquals(0, once.ledger().get(Ledger.FILTERED + DedupeScenes.REASON));
    assertEquals(2, once.ledger().finished());
    assertTrue(once.qa() > 20, "QA of the single copy: " + once.qa());
    Map<String, Long> qa = new TreeMap<>(Map.of("single", once.qa(), "doubled", doubled.qa()));
    assertTrue(doubled.qa() <= once.qa() * 1.05, "QA: " + qa);
    // the kept scenes are the originals: exactly the single run's QA
    assertEquals(once.qa(), doubled.qa(), "QA: " + qa);
  }
}
