package dev.spatialvqa.pipelines.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spatialvqa.core.image.ImageDecoder;
import dev.spatialvqa.core.report.Charts;
import dev.spatialvqa.core.report.SceneFigures;
import dev.spatialvqa.schemas.DeadLetter;
import dev.spatialvqa.schemas.QaRecord;
import dev.spatialvqa.schemas.SceneObject;
import dev.spatialvqa.schemas.SceneRecord;
import dev.spatialvqa.transforms.load.BeamBlobReader;
import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecordBase;

/**
 * {@code report --input=OUTPUT --output=DIR}: a static HTML page ({@code DIR/index.html}, pictures
 * as PNG files beside it, nothing fetched from the network) of what a run made: per scene the image
 * with its objects' 2D boxes and referring expressions, the horizon or gravity, top-down and side
 * views of the 3D boxes with the camera, its objects and a sample of its QA; for the run the ledger
 * ({@code summary.json}), QA per type and kind, dead letters and filters by reason, and the figures
 * of {@code evaluate} ({@code evaluation.json}) or {@code eval} ({@code eval.json}) when present.
 */
final class ReportCommand implements Command {
  /** Cap on one scene image read for the report. */
  static final long MAX_IMAGE_BYTES = 64L << 20;

  static final int QA_SAMPLE = 10;

  @Override
  public String name() {
    return "report";
  }

  @Override
  public String summary() {
    return "write a static HTML report of a run (scenes, 3D boxes, QA, ledger): --input=OUTPUT"
        + " --output=DIR";
  }

  @Override
  public String help() {
    return """
        usage: spatialvqa report --input=OUTPUT --output=DIR [--eval=FILE] [--maxScenes=N]
                                 [--overwrite]

        Writes DIR/index.html, a static page (no scripts, nothing from the network; the pictures
        are PNG files in DIR/img/) of a run's output folder OUTPUT:
          per scene   the image with each object's 2D box and referring expression, the horizon
                      (dashed) and gravity (arrow) when the scene is canonicalized; a top-down view
                      of the 3D boxes with the camera and its field of view; a side view with the
                      support plane; the objects (centre, extents, points) and a sample of its QA
          the run     the ledger (summary.json), QA per question type and kind, dead letters and
                      filters by reason (with the dead letters' messages), and the figures of
                      `evaluate` (OUTPUT/evaluation.json) and `eval` (OUTPUT/eval.json, or
                      --eval=FILE) as charts and tables when present
          --maxScenes sections for at most N scenes (default 200; the run tables count all)
        Exit codes: 0 written; 1 unreadable input; 2 bad arguments.
        """;
  }

  @Override
  public int run(List<String> args, PrintStream out, PrintStream err) throws Exception {
    String unknownOption =
        Args.unknownOption(args, "input", "output", "eval", "maxScenes", "overwrite");
    if (unknownOption != null) {
      err.println("spatialvqa report: " + unknownOption + "\n");
      err.println(help());
      return 2;
    }
    String inArg = Args.value(args, "input");
    String outArg = Args.value(args, "output");
    if (inArg == null || outArg == null || !Args.positional(args).isEmpty()) {
      err.println("spatialvqa report: need --input=OUTPUT and --output=DIR\n");
      err.println(help());
      return 2;
    }
    int maxScenes;
    try {
      maxScenes =
          Args.value(args, "maxScenes") == null
              ? 200
              : Integer.parseInt(Args.value(args, "maxScenes"));
      if (maxScenes < 0) {
        throw new NumberFormatException();
      }
    } catch (NumberFormatException e) {
      err.println("spatialvqa report: --maxScenes must be a whole number >= 0");
      return 2;
    }
    Path in = Path.of(inArg);
    if (!Files.isDirectory(in)) {
      err.println("spatialvqa report: --input must be a run's output folder: " + in);
      return 1;
    }
    Path dir = Path.of(outArg);
    Path index = dir.resolve("index.html");
    if (Files.exists(index) && !Args.flag(args, "overwrite")) {
      err.println("spatialvqa report: " + index + " exists (pass --overwrite to replace it)");
      return 2;
    }
    Path evalFile = Args.value(args, "eval") == null ? null : Path.of(Args.value(args, "eval"));
    if (evalFile != null && !Files.isRegularFile(evalFile)) {
      err.println("spatialvqa report: no such file: " + evalFile);
      return 1;
    }
    List<SceneRecord> scenes = read(in.resolve("scenes"), SceneRecord.class);
    scenes.sort(Comparator.comparing(SceneRecord::getSceneId));
    List<QaRecord> qa = read(in.resolve("qa"), QaRecord.class);
    List<QaRecord> reserve = read(in.resolve("reserve"), QaRecord.class);
    List<DeadLetter> dead = read(in.resolve("deadletters"), DeadLetter.class);
    ObjectMapper json = new ObjectMapper();
    JsonNode summary = readJson(json, in.resolve("summary.json"));
    JsonNode evaluation = readJson(json, in.resolve("evaluation.json"));
    JsonNode eval = readJson(json, evalFile != null ? evalFile : in.resolve("eval.json"));
    if (scenes.isEmpty() && qa.isEmpty() && summary == null) {
      err.println(
          "spatialvqa report: "
              + in
              + " holds no scenes/, qa/ or summary.json: not a run's output folder");
      return 1;
    }
    Path img = dir.resolve("img");
    Files.createDirectories(img);
    Map<String, List<QaRecord>> qaByScene = new TreeMap<>();
    for (QaRecord q : qa) {
      qaByScene.computeIfAbsent(q.getSceneId(), k -> new ArrayList<>()).add(q);
    }

    Html h = new Html();
    h.raw(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            + "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src"
            + " 'self' file: data:; style-src 'unsafe-inline'\">"
            + "<title>spatialvqa report</title><style>"
            + "body{font-family:sans-serif;margin:1.5em;max-width:1600px;color:#222}"
            + "table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccc;"
            + "padding:2px 6px;font-size:13px;text-align:left;vertical-align:top}"
            + "th{background:#f3f3f3}.figs img{margin:4px;border:1px solid #ddd;vertical-align:top}"
            + "section.scene{border-top:2px solid #888;margin-top:2em}.num{text-align:right}"
            + "nav a{margin-right:1em}</style></head><body>\n");
    h.tag("h1", "spatialvqa report: " + in.toAbsolutePath().normalize());
    h.raw("<nav><a href=\"#run\">run</a><a href=\"#scenes\">scenes</a>");
    if (evaluation != null || eval != null) {
      h.raw("<a href=\"#evaluation\">evaluation</a>");
    }
    h.raw("</nav>\n");

    // ---- the run
    h.raw("<section id=\"run\">");
    h.tag("h2", "Run");
    if (summary != null) {
      h.tag("h3", "Ledger (summary.json)");
      h.raw("<table>");
      for (Iterator<Map.Entry<String, JsonNode>> it = summary.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        JsonNode v = e.getValue();
        if (v.isValueNode()) {
          h.row(e.getKey(), v.asText());
        } else if (v.isObject()
            && !List.of("dead_letters", "filtered", "objects_filtered", "qa_generated_by_type")
                .contains(e.getKey())) {
          // outputs, counters, ...: one row per value (the reason maps are charted below)
          v.fields()
              .forEachRemaining(
                  o -> {
                    if (o.getValue().isValueNode()) {
                      h.row(e.getKey() + "." + o.getKey(), o.getValue().asText());
                    }
                  });
        }
      }
      h.raw("</table>");
    } else {
      h.tag("p", "no summary.json in " + in + " (a streaming run, or a run that did not finish)");
    }
    h.tag(
        "p",
        scenes.size()
            + " scenes, "
            + qa.size()
            + " QA admitted (qa/), "
            + reserve.size()
            + " in reserve/, "
            + dead.size()
            + " dead letters written");
    // QA per type and kind
    Map<String, Long> byType = new TreeMap<>();
    Map<String, Long> byKind = new TreeMap<>();
    Map<String, String> kindOfType = new TreeMap<>();
    for (QaRecord q : qa) {
      byType.merge(q.getQuestionType(), 1L, Long::sum);
      byKind.merge(q.getKind().toString(), 1L, Long::sum);
      kindOfType.put(q.getQuestionType(), q.getKind().toString());
    }
    h.tag("h3", "QA per question type and kind (qa/)");
    h.img(png(Charts.bars("QA per kind", byKind, null), img, "qa-kinds.png"), "QA per kind");
    h.img(
        png(Charts.bars("QA per question type", byType, null), img, "qa-types.png"),
        "QA per question type");
    h.raw("<table><tr><th>question type</th><th>kind</th><th>QA</th></tr>");
    byType.forEach((t, n) -> h.row(t, kindOfType.get(t), Long.toString(n)));
    h.raw("</table>");
    // dead letters and filters
    h.tag("h3", "Dead letters and filters by reason");
    Map<String, Long> deadByReason = new TreeMap<>();
    for (DeadLetter d : dead) {
      deadByReason.merge(d.getStage() + "/" + d.getReason(), 1L, Long::sum);
    }
    for (String key : List.of("dead_letters", "filtered", "objects_filtered")) {
      Map<String, Long> m = new TreeMap<>();
      if (summary != null && summary.has(key) && summary.get(key).isObject()) {
        summary.get(key).fields().forEachRemaining(e -> m.put(e.getKey(), e.getValue().asLong()));
      }
      h.img(
          png(Charts.bars(key + " (summary.json)", m, null), img, key + ".png"),
          key + " by reason");
    }
    h.img(
        png(
            Charts.bars("dead letters written (stage/reason)", deadByReason, null),
            img,
            "dead.png"),
        "dead letters written by stage and reason");
    if (!dead.isEmpty()) {
      h.raw("<table><tr><th>stage</th><th>reason</th><th>message</th><th>input</th></tr>");
      for (DeadLetter d : dead.subList(0, Math.min(50, dead.size()))) {
        h.row(d.getStage(), d.getReason(), d.getMessage(), String.valueOf(d.getInputRef()));
      }
      h.raw("</table>");
      if (dead.size() > 50) {
        h.tag("p", "... and " + (dead.size() - 50) + " more");
      }
    }
    h.raw("</section>\n");

    // ---- evaluation figures
    if (evaluation != null || eval != null) {
      h.raw("<section id=\"evaluation\">");
      h.tag("h2", "Evaluation");
      if (evaluation != null) {
        metrics(
            h,
            img,
            "evaluate: agreement with ground truth (evaluation.json)",
            evaluation,
            "evaluation",
            "per_question_type");
      }
      if (eval != null) {
        metrics(h, img, "eval: a model's answers (eval.json)", eval, "eval", "by_question_type");
        if (eval.has("by_kind")) {
          metricTable(h, "by kind", eval.get("by_kind"));
        }
      }
      h.raw("</section>\n");
    }

    // ---- scenes
    h.raw("<section id=\"scenes\">");
    h.tag("h2", "Scenes (" + scenes.size() + ")");
    int n = 0;
    for (SceneRecord s : scenes) {
      if (n >= maxScenes) {
        h.tag("p", (scenes.size() - n) + " more scenes not shown (--maxScenes=" + maxScenes + ")");
        break;
      }
      n++;
      String prefix = String.format(Locale.ROOT, "scene-%04d", n);
      h.raw("<section class=\"scene\" id=\"" + prefix + "\">");
      h.tag("h3", s.getSceneId());
      BufferedImage photo = null;
      String imageNote = null;
      try {
        byte[] bytes = new BeamBlobReader().read(s.getImageUri(), MAX_IMAGE_BYTES);
        photo = ImageDecoder.decode(bytes);
      } catch (Exception e) {
        imageNote = "image not readable (" + e.getMessage() + ")";
      }
      h.raw("<table>");
      h.row("image", s.getImageUri() + (imageNote == null ? "" : "  -  " + imageNote));
      h.row("size", s.getImageWidth() + " x " + s.getImageHeight());
      h.row(
          "intrinsics",
          String.format(
                  Locale.ROOT,
                  "fx %.1f fy %.1f cx %.1f cy %.1f",
                  s.getIntrinsics().getFx(),
                  s.getIntrinsics().getFy(),
                  s.getIntrinsics().getCx(),
                  s.getIntrinsics().getCy())
              + " ("
              + s.getIntrinsicsSource()
              + ")");
      h.row(
          "gravity",
          s.getCanonicalized()
              ? s.getGravitySource()
                  + ", up (camera) "
                  + vec(s.getGravityUpCamera())
                  + (s.getGravityEvidence() != null && s.getGravityEvidence().getDetail() != null
                      ? "; " + s.getGravityEvidence().getDetail()
                      : "")
              : "not canonicalized"
                  + (s.getGravityEvidence() != null && s.getGravityEvidence().getReason() != null
                      ? " (" + s.getGravityEvidence().getReason() + ")"
                      : ""));
      h.row(
          "camera height",
          s.getCameraHeightM() == null
              ? "unknown (no support plane)"
              : String.format(Locale.ROOT, "%.2f m", s.getCameraHeightM()));
      JsonNode truth = evaluation == null ? null : evaluation.path("per_scene").get(s.getSceneId());
      if (truth != null && truth.isObject()) {
        StringBuilder t = new StringBuilder();
        for (String k :
            List.of(
                "gravity_error_deg",
                "qualitative_agree_pct",
                "quant_within_0_5_2_pct",
                "quant_within_0_8_1_25_pct",
                "direction_within_1h_pct")) {
          JsonNode v = truth.get(k);
          if (v != null) {
            t.append(t.length() == 0 ? "" : "; ").append(k).append(' ').append(v.asText());
          }
        }
        h.row("against ground truth (evaluation.json)", t.toString());
      }
      h.raw("</table><div class=\"figs\">");
      h.img(
          png(SceneFigures.annotatedImage(s, photo, 720), img, prefix + "-image.png"),
          s.getSceneId() + ": image with 2D boxes, referring expressions, horizon and gravity");
      h.img(
          png(SceneFigures.topDown(s, 460, 460), img, prefix + "-top.png"),
          s.getSceneId() + ": top-down view of the 3D boxes and the camera");
      h.img(
          png(SceneFigures.side(s, 460, 360), img, prefix + "-side.png"),
          s.getSceneId() + ": side view of the 3D boxes and the camera");
      h.raw("</div>");
      h.raw(
          "<table><tr><th>#</th><th>referring expression</th><th>caption</th><th>centre (m)</th>"
              + "<th>extent x, y, z (m)</th><th>points</th><th>mask</th><th>unreliable</th></tr>");
      List<SceneObject> objs = s.getObjects();
      for (int i = 0; i < objs.size(); i++) {
        SceneObject o = objs.get(i);
        h.row(
            Integer.toString(i + 1),
            o.getReferringExpression() == null
                ? "(ambiguous: not asked)"
                : o.getReferringExpression(),
            o.getCaption(),
            vec(o.getCenter()),
            vec(o.getExtent()),
            Integer.toString(o.getNumPoints()),
            o.getMaskSource(),
            String.join(", ", o.getUnreliableExtents()));
      }
      h.raw("</table>");
      List<QaRecord> sq = sample(qaByScene.getOrDefault(s.getSceneId(), List.of()));
      h.tag(
          "h4",
          "QA sample ("
              + sq.size()
              + " of "
              + qaByScene.getOrDefault(s.getSceneId(), List.of()).size()
              + ")");
      h.raw("<table><tr><th>type</th><th>question</th><th>answer</th></tr>");
      for (QaRecord q : sq) {
        h.row(q.getQuestionType(), q.getQuestion(), q.getAnswer());
      }
      h.raw("</table></section>\n");
    }
    h.raw("</section>\n</body></html>\n");
    Files.writeString(index, h.toString(), StandardCharsets.UTF_8);
    out.println(
        "report: "
            + Math.min(n, scenes.size())
            + " scene sections, "
            + qa.size()
            + " QA, "
            + dead.size()
            + " dead letters -> "
            + index);
    return 0;
  }

  /** One QA per question type in turn (types sorted, QA by id) until {@link #QA_SAMPLE}. */
  static List<QaRecord> sample(List<QaRecord> qa) {
    Map<String, List<QaRecord>> byType = new TreeMap<>();
    for (QaRecord q : qa) {
      byType.computeIfAbsent(q.getQuestionType(), k -> new ArrayList<>()).add(q);
    }
    byType.values().forEach(l -> l.sort(Comparator.comparing(QaRecord::getQaId)));
    List<QaRecord> out = new ArrayList<>();
    for (int round = 0; out.size() < QA_SAMPLE && out.size() < qa.size(); round++) {
      for (List<QaRecord> l : byType.values()) {
        if (round < l.size() && out.size() < QA_SAMPLE) {
          out.add(l.get(round));
        }
      }
    }
    return out;
  }

  private static void metrics(
      Html h, Path img, String title, JsonNode root, String file, String perTypeKey)
      throws IOException {
    h.tag("h3", title);
    JsonNode total = root.get("total");
    if (total != null && total.isObject()) {
      Map<String, Double> pct = new LinkedHashMap<>();
      total
          .fields()
          .forEachRemaining(
              e -> {
                if (e.getKey().endsWith("_pct")) {
                  pct.put(e.getKey(), e.getValue().isNumber() ? e.getValue().asDouble() : null);
                }
              });
      h.img(png(Charts.bars(title + ": total (%)", pct, 100.0), img, file + "-total.png"), title);
      h.raw("<table>");
      total
          .fields()
          .forEachRemaining(
              e -> {
                if (e.getValue().isValueNode()) {
                  h.row(e.getKey(), e.getValue().asText());
                }
              });
      h.raw("</table>");
    }
    JsonNode gravity = root.get("gravity");
    if (gravity != null && gravity.isObject()) {
      h.tag("h4", "gravity");
      h.raw("<table>");
      gravity.fields().forEachRemaining(e -> h.row(e.getKey(), e.getValue().asText()));
      h.raw("</table>");
    }
    if (root.has(perTypeKey)) {
      metricTable(h, "per question type", root.get(perTypeKey));
    }
  }

  /** Rows = the object's keys, columns = every numeric field ending in _pct, plus qa. */
  private static void metricTable(Html h, String title, JsonNode groups) {
    TreeSet<String> cols = new TreeSet<>();
    groups
        .fields()
        .forEachRemaining(
            e ->
                e.getValue()
                    .fieldNames()
                    .forEachRemaining(
                        f -> {
                          if (f.endsWith("_pct")) {
                            cols.add(f);
                          }
                        }));
    h.tag("h4", title);
    StringBuilder head = new StringBuilder("<table><tr><th>group</th><th>qa</th>");
    for (String c : cols) {
      head.append("<th>").append(Html.esc(c)).append("</th>");
    }
    h.raw(head.append("</tr>").toString());
    groups
        .fields()
        .forEachRemaining(
            e -> {
              List<String> cells = new ArrayList<>();
              cells.add(e.getKey());
              cells.add(e.getValue().path("qa").asText(""));
              for (String c : cols) {
                JsonNode v = e.getValue().get(c);
                cells.add(v == null || v.isNull() ? "-" : v.asText());
              }
              h.row(cells.toArray(new String[0]));
            });
    h.raw("</table>");
  }

  private static String vec(List<Double> v) {
    if (v == null) {
      return "-";
    }
    return v.stream()
        .map(d -> String.format(Locale.ROOT, "%.2f", d))
        .collect(Collectors.joining(", "));
  }

  private static String png(BufferedImage image, Path dir, String name) throws IOException {
    if (!ImageIO.write(image, "png", dir.resolve(name).toFile())) {
      throw new IOException("no PNG writer");
    }
    return "img/" + name;
  }

  private static JsonNode readJson(ObjectMapper json, Path p) throws IOException {
    return Files.isRegularFile(p) ? json.readTree(p.toFile()) : null;
  }

  /** Every record of one schema under a folder (none when the folder is absent). */
  static <T extends SpecificRecordBase> List<T> read(Path dir, Class<T> type) throws IOException {
    List<T> out = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return out;
    }
    List<Path> files;
    try (Stream<Path> s = Files.walk(dir, 1)) {
      files = s.filter(p -> p.toString().endsWith(".avro")).sorted().collect(Collectors.toList());
    }
    for (Path f : files) {
      try (DataFileReader<T> r =
          new DataFileReader<>(new File(f.toString()), new SpecificDatumReader<>(type))) {
        for (T t : r) {
          out.add(t);
        }
      }
    }
    return out;
  }

  /** A tiny HTML writer that escapes all text. */
  static final class Html {
    private final StringBuilder sb = new StringBuilder();

    static String esc(String s) {
      if (s == null) {
        return "";
      }
      StringBuilder b = new StringBuilder(s.length());
      for (char c : s.toCharArray()) {
        switch (c) {
          case '<' -> b.append("&lt;");
          case '>' -> b.append("&gt;");
          case '&' -> b.append("&amp;");
          case '"' -> b.append("&quot;");
          case '\'' -> b.append("&#39;");
          default -> b.append(c);
        }
      }
      return b.toString();
    }

    void raw(String s) {
      sb.append(s);
    }

    void tag(String t, String text) {
      sb.append('<').append(t).append('>').append(esc(text)).append("</").append(t).append(">\n");
    }

    void row(String... cells) {
      sb.append("<tr>");
      for (String c : cells) {
        sb.append("<td>").append(esc(c)).append("</td>");
      }
      sb.append("</tr>\n");
    }

    void img(String src, String alt) {
      sb.append("<img src=\"")
          .append(esc(src))
          .append("\" alt=\"")
          .append(esc(alt))
          .append("\">\n");
    }

    @Override
    public String toString() {
      return sb.toString();
    }
  }
}
