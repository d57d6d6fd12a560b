package dev.spatialvqa.pipelines.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spatialvqa.core.mix.ExportLayout;
import dev.spatialvqa.core.mix.ReasoningFormat;
import dev.spatialvqa.core.split.SceneSplit;
import dev.spatialvqa.schemas.MixAccounting;
import dev.spatialvqa.schemas.QaRecord;
import dev.spatialvqa.schemas.QaStep;
import dev.spatialvqa.templates.TemplateCatalog;
import java.io.BufferedWriter;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.specific.SpecificDatumReader;

/**
 * {@code export --format=messages|llava [--layout=per_image|per_qa] --input=DIR --output=FILE}: QA
 * records as training conversations, grouped as the run's mix gate accounted for them ({@code
 * layout} in the run's {@code mixture.json}, or its {@code accounting/} records): {@code per_image}
 * (default) one conversation per image with one turn per admitted QA, {@code per_qa} one
 * single-turn conversation per QA. A {@code --layout} other than the accounted one is refused (exit
 * 2): the spatial share holds only for the conversations the gate charged. {@code
 * --allowShareMismatch} writes it anyway and says the share will not hold.
 *
 * <ul>
 *   <li>{@code messages}: JSON Lines, one conversation per image in the Hugging Face / TRL chat
 *       format: {@code {"images": [uri], "messages": [{"role": "user", "content": [{"type":
 *       "image"}, {"type": "text", "text": Q1}]}, {"role": "assistant", "content": [{"type":
 *       "text", "text": A1}]}, ...]}} (the image placeholder in the first user turn only).
 *   <li>{@code llava}: one JSON array of {@code {"id", "image", "conversations": [{"from": "human",
 *       "value": "<image>\nQ1"}, {"from": "gpt", "value": A1}, ...]}}.
 * </ul>
 *
 * Conversations are ordered by image and their turns by QA id, so the output is deterministic.
 */
final class ExportCommand implements Command {
  @Override
  public String name() {
    return "export";
  }

  @Override
  public String summary() {
    return "export QA records as chat training data (HF/TRL messages JSONL or LLaVA JSON)";
  }

  @Override
  public String help() {
    return "usage: spatialvqa export --format=messages|llava|verifiable --input=DIR --output=FILE\n"
        + "                        [--layout=per_image|per_qa] [--reasoning=none|think|TEMPLATE]\n"
        + "                        [--allowShareMismatch] [--overwrite] [--split=train:0.98,eval:0.02]\n\n"
        + "Reads every QaRecord Avro file under DIR (e.g. out/demo or out/demo/qa; other Avro records\n"
        + "are skipped), groups the QA pairs into conversations and writes them.\n"
        + "  --layout  per_image: one conversation per image, one user/assistant turn per QA\n"
        + "            per_qa: one single-turn conversation per QA, each with its image\n"
        + "            Default: the layout the run's mix gate accounted for (mixture.json or\n"
        + "            accounting/ in the run folder), else per_image. Another layout than the\n"
        + "            accounted one is refused (exit 2), because the spatial token share was held\n"
        + "            for those conversations; --allowShareMismatch writes it anyway (the share\n"
        + "            will then not hold).\n"
        + "  --split   held-out sets by scene: NAME:SHARE,... (shares add up to 1). --output is then\n"
        + "            a folder: NAME.jsonl (messages, verifiable) or NAME.json (llava) per set, and\n"
        + "            splits.json with each set's scene ids. A scene's set is a stable hash of its\n"
        + "            id alone (SHA-256), so every QA of a scene and of its image lands in one set, and\n"
        + "            a scene keeps its set when the data grows: evaluate (eval) on scenes the model\n"
        + "            did not train on.\n"
        + "  --reasoning  how the reasoning traces of multi-step QA enter the assistant turn:\n"
        + "            none (the answer alone), think (<think>\\n{trace}\\n</think>\\n\\n before\n"
        + "            the answer) or a template containing {trace} (\\n for a newline). Default:\n"
        + "            what the run's mix gate counted (--exportReasoning, in mixture.json), else\n"
        + "            none; another one is refused (exit 2) unless --allowShareMismatch.\n"
        + "Formats:\n"
        + "  messages  JSON Lines, one conversation per line in the Hugging Face / TRL chat format\n"
        + "            {\"images\": [uri], \"scene_id\": .., \"messages\": [{\"role\": \"user\", \"content\":\n"
        + "            [{\"type\": \"image\"}, {\"type\": \"text\", \"text\": ..}]}, {\"role\": \"assistant\", ..}, ..]}\n"
        + "  llava     one JSON array of {\"id\", \"image\", \"conversations\": [{\"from\": \"human\",\n"
        + "            \"value\": \"<image>\\n..\"}, {\"from\": \"gpt\", \"value\": ..}, ..]}\n"
        + "  verifiable  JSON Lines, one QA per line for RL reward functions: images, question,\n"
        + "            answer, answer_type (bool|object|value|label|count|tie), answer_bool,\n"
        + "            answer_object(_id), answer_label, value_si with unit and tolerance_si,\n"
        + "            margin_si, and for multi-step QA steps and reasoning_trace (not a training\n"
        + "            mix: the mix gate's layout and share do not apply)";
  }

  @Override
  public int run(List<String> args, PrintStream out, PrintStream err) throws Exception {
    String format = Args.value(args, "format");
    String input = Args.value(args, "input");
    String output = Args.value(args, "output");
    boolean overwrite = Args.flag(args, "overwrite");
    String unknownOption =
        Args.unknownOption(
            args,
            "format",
            "input",
            "output",
            "overwrite",
            "layout",
            "allowShareMismatch",
            "reasoning",
            "split");
    if (unknownOption != null) {
      err.println("spatialvqa export: " + unknownOption + "\n");
      err.println(help());
      return 2;
    }
    boolean allowMismatch = Args.flag(args, "allowShareMismatch");
    String layoutArg = Args.value(args, "layout");
    List<String> unknown =
        Args.without(
            args,
            "format",
            "input",
            "output",
            "overwrite",
            "layout",
            "allowShareMismatch",
            "reasoning",
            "split");
    String splitArg = Args.value(args, "split");
    SceneSplit split = null;
    if (splitArg != null) {
      try {
        split = SceneSplit.parse(splitArg);
      } catch (IllegalArgumentException e) {
        err.println("spatialvqa export: " + e.getMessage());
        return 2;
      }
    }
    String reasoningArg = Args.value(args, "reasoning");
    ReasoningFormat requestedReasoning = null;
    ExportLayout requested = null;
    String layoutError = null;
    if (layoutArg != null) {
      try {
        requested = ExportLayout.parse(layoutArg);
      } catch (IllegalArgumentException e) {
        layoutError = e.getMessage();
      }
    }
    if (reasoningArg != null) {
      try {
        requestedReasoning = ReasoningFormat.of(reasoningArg);
      } catch (IllegalArgumentException e) {
        layoutError = e.getMessage();
      }
    }
    boolean verifiable = "verifiable".equals(format);
    if (verifiable && (layoutArg != null || reasoningArg != null)) {
      layoutError =
          "--format=verifiable writes one record per QA with its reasoning trace as a field:"
              + " --layout and --reasoning do not apply";
    }
    if (format == null
        || input == null
        || output == null
        || !unknown.isEmpty()
        || layoutError != null
        || !(format.equals("messages") || format.equals("llava") || verifiable)) {
      err.println(
          "spatialvqa export: need --format=messages|llava|verifiable, --input=DIR and"
              + " --output=FILE"
              + (layoutError == null ? "" : "; " + layoutError)
              + (unknown.isEmpty() ? "" : "; unknown arguments " + unknown)
              + "\n");
      err.println(help());
      return 2;
    }
    Path in = Path.of(input);
    if (!Files.exists(in)) {
      err.println("spatialvqa export: no such file or folder: " + in);
      return 1;
    }
    Accounted accounted = verifiable ? null : accountedLayout(in);
    ExportLayout layout;
    if (verifiable) {
      layout = ExportLayout.PER_QA;
    } else if (accounted == null) {
      layout = requested == null ? ExportLayout.DEFAULT : requested;
    } else if (requested == null || requested == accounted.layout) {
      layout = accounted.layout;
    } else if (allowMismatch) {
      layout = requested;
      err.println(
          "spatialvqa export: warning: the run's mix gate accounted for layout "
              + accounted.layout
              + " ("
              + accounted.where
              + "); writing "
              + requested
              + " as asked (--allowShareMismatch): the spatial token share stated in"
              + " mixture.json does NOT hold for this file");
    } else {
      err.println(
          "spatialvqa export: --layout="
              + requested
              + " differs from the layout the run's mix gate accounted for: "
              + accounted.layout
              + " ("
              + accounted.where
              + "). The spatial token share holds only for the conversations the gate charged;"
              + " nothing was written. Export with --layout="
              + accounted.layout
              + ", rerun the job with --exportLayout="
              + requested
              + ", or pass --allowShareMismatch to write it anyway (the share will not hold).");
      return 2;
    }
    AccountedReasoning accountedReasoning = verifiable ? null : accountedReasoning(in);
    ReasoningFormat reasoning;
    if (verifiable) {
      reasoning = ReasoningFormat.none();
    } else if (accountedReasoning == null) {
      reasoning = requestedReasoning == null ? ReasoningFormat.none() : requestedReasoning;
    } else if (requestedReasoning == null || requestedReasoning.equals(accountedReasoning.format)) {
      reasoning = accountedReasoning.format;
    } else if (allowMismatch) {
      reasoning = requestedReasoning;
      err.println(
          "spatialvqa export: warning: the run's mix gate counted the assistant turns with"
              + " reasoning="
              + accountedReasoning.format
              + " ("
              + accountedReasoning.where
              + "); writing --reasoning="
              + requestedReasoning
              + " as asked (--allowShareMismatch): the spatial token share stated in mixture.json"
              + " does NOT hold for this file");
    } else {
      err.println(
          "spatialvqa export: --reasoning="
              + requestedReasoning
              + " differs from how the run's mix gate counted the assistant turns: reasoning="
              + accountedReasoning.format
              + " ("
              + accountedReasoning.where
              + "). Nothing was written. Export with --reasoning="
              + accountedReasoning.format
              + ", rerun the job with --exportReasoning="
              + requestedReasoning
              + ", or pass --allowShareMismatch to write it anyway (the share will not hold).");
      return 2;
    }
    Path target = Path.of(output);
    if (Files.exists(target) && !overwrite) {
      err.println(
          "spatialvqa export: "
              + target
              + " exists; nothing was written (pass --overwrite to replace it, or choose another"
              + " --output)");
      return 2;
    }
    if (split == null && Files.isDirectory(target)) {
      err.println("spatialvqa export: --output must be a file, " + target + " is a folder");
      return 2;
    }
    if (split != null && Files.isRegularFile(target)) {
      err.println(
          "spatialvqa export: with --split, --output is a folder (one file per split); "
              + target
              + " is a file");
      return 2;
    }
    if (Files.isDirectory(in.resolve("qa"))) {
      // a run's output folder: only what the mix gate admitted is training data
      in = in.resolve("qa");
      out.println(
          "export: reading the admitted QA in "
              + in
              + " (reserve/ holds QA the mix gate did not admit; they are not exported)");
    }
    Map<String, List<QaRecord>> byImage = readByImage(in, err);
    if (byImage == null) {
      return 1;
    }
    if (split != null) {
      return writeSplits(byImage, split, format, layout, accounted, target, out, reasoning);
    }
    List<List<QaRecord>> conversations = conversations(byImage, layout);
    Path outPath = Path.of(output);
    int turns = write(outPath, format, conversations, layout, reasoning);
    if (verifiable) {
      out.println(
          "wrote "
              + turns
              + " verifiable QA records (question, answer, value_si, tolerance_si, steps) to "
              + outPath);
      return 0;
    }
    out.println(
        "wrote "
            + conversations.size()
            + " conversations ("
            + turns
            + " QA pairs, layout "
            + layout
            + (accounted == null
                ? ", no mix accounting found next to the input"
                : layout == accounted.layout ? ", as the mix gate accounted" : ", NOT as accounted")
            + (reasoning.isNone() ? "" : ", reasoning " + reasoning)
            + ") as "
            + format
            + " to "
            + outPath);
    return 0;
  }

  private static String accountedNote(Accounted accounted, ExportLayout layout) {
    return accounted == null
        ? ", no mix accounting found next to the input"
        : layout == accounted.layout ? ", as the mix gate accounted" : ", NOT as accounted";
  }

  /**
   * One file per split under {@code dir} ({@code NAME.jsonl} for messages, {@code NAME.json} for
   * llava) and {@code splits.json}: the spec, and per split its scenes, images, conversations and
   * QA. An image goes where its scene goes ({@link SceneSplit#assignImage}).
   */
  static int writeSplits(
      Map<String, List<QaRecord>> byImage,
      SceneSplit split,
      String format,
      ExportLayout layout,
      Accounted accounted,
      Path dir,
      PrintStream out,
      ReasoningFormat reasoning)
      throws IOException {
    Map<String, Map<String, List<QaRecord>>> parts = new java.util.LinkedHashMap<>();
    Map<String, java.util.TreeSet<String>> scenes = new java.util.LinkedHashMap<>();
    for (String n : split.names()) {
      parts.put(n, new TreeMap<>());
      scenes.put(n, new java.util.TreeSet<>());
    }
    for (Map.Entry<String, List<QaRecord>> e : byImage.entrySet()) {
      java.util.Set<String> ids = new java.util.TreeSet<>();
      for (QaRecord q : e.getValue()) {
        ids.add(q.getSceneId());
      }
      String n = split.assignImage(ids);
      parts.get(n).put(e.getKey(), e.getValue());
      scenes.get(n).addAll(ids);
    }
    Files.createDirectories(dir);
    ObjectMapper json = new ObjectMapper();
    ObjectNode summary = json.createObjectNode();
    summary.put("split", String.join(",", split.names()));
    summary.put(
        "rule",
        "a scene's set: the first 64 bits of SHA-256(\"spatialvqa-split\\0\" + scene_id) over 2^64"
            + " against the cumulative shares; an image goes with its (smallest) scene id");
    summary.put("format", format);
    summary.put("layout", layout.toString());
    ObjectNode sets = summary.putObject("sets");
    for (String n : split.names()) {
      List<List<QaRecord>> conversations = conversations(parts.get(n), layout);
      Path file = dir.resolve(n + (format.equals("llava") ? ".json" : ".jsonl"));
      int turns = write(file, format, conversations, layout, reasoning);
      ObjectNode o = sets.putObject(n);
      o.put("file", file.getFileName().toString());
      o.put("scenes", scenes.get(n).size());
      o.put("images", parts.get(n).size());
      o.put("conversations", conversations.size());
      o.put("qa", turns);
      ArrayNode ids = o.putArray("scene_ids");
      scenes.get(n).forEach(ids::add);
      out.println(
          "wrote "
              + n
              + ": "
              + scenes.get(n).size()
              + " scenes, "
              + conversations.size()
              + " conversations ("
              + turns
              + " QA pairs, layout "
              + layout
              + accountedNote(accounted, layout)
              + ") as "
              + format
              + " to "
              + file);
    }
    Files.writeString(
        dir.resolve("splits.json"),
        json.enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(summary) + "\n");
    return 0;
  }

  /** Writes the conversations to one file; returns the QA pairs written. */
  static int write(
      Path outPath,
      String format,
      List<List<QaRecord>> conversations,
      ExportLayout layout,
      ReasoningFormat reasoning)
      throws IOException {
    ObjectMapper json = new ObjectMapper();
    if (outPath.toAbsolutePath().getParent() != null) {
      Files.createDirectories(outPath.toAbsolutePath().getParent());
    }
    boolean verifiable = format.equals("verifiable");
    int turns = 0;
    try (BufferedWriter w = Files.newBufferedWriter(outPath, StandardCharsets.UTF_8)) {
      if (verifiable) {
        for (List<QaRecord> c : conversations) {
          w.write(json.writeValueAsString(verifiable(json, c.get(0))));
          w.write('\n');
          turns += c.size();
        }
      } else if (format.equals("messages")) {
        for (List<QaRecord> c : conversations) {
          w.write(
              json.writeValueAsString(
                  messages(json, c.get(0).getImageUri(), c, layout, reasoning)));
          w.write('\n');
          turns += c.size();
        }
      } else {
        ArrayNode arr = json.createArrayNode();
        for (List<QaRecord> c : conversations) {
          arr.add(llava(json, c.get(0).getImageUri(), c, layout, reasoning));
          turns += c.size();
        }
        w.write(json.enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(arr));
        w.write('\n');
      }
    }
    return turns;
  }

  /**
   * Where a run's mix records may be: the folder {@code in} is (or holds {@code in}), and its
   * parent when that folder is the run's {@code qa/}.
   */
  static List<Path> runFolders(Path in) {
    Path dir = Files.isDirectory(in) ? in : in.toAbsolutePath().getParent();
    List<Path> runs = new ArrayList<>();
    if (dir != null) {
      runs.add(dir);
      if (dir.getFileName() != null
          && dir.getFileName().toString().equals("qa")
          && dir.toAbsolutePath().getParent() != null) {
        runs.add(dir.toAbsolutePath().getParent());
      }
    }
    return runs;
  }

  /** The export layout a run's mix gate accounted for, and where that was read. */
  static final class Accounted {
    final ExportLayout layout;
    final String where;

    Accounted(ExportLayout layout, String where) {
      this.layout = layout;
      this.where = where;
    }
  }

  /**
   * The layout recorded by the run that {@code in} is (or whose {@code qa/} folder it is): {@code
   * layout} in {@code mixture.json}, else in the {@code accounting/} records (streaming runs write
   * no mixture.json); null when neither says. Runs accounted before layouts existed charged every
   * QA its own image: {@code per_qa}.
   */
  static Accounted accountedLayout(Path in) throws IOException {
    for (Path run : runFolders(in)) {
      Path m = run.resolve("mixture.json");
      if (Files.isRegularFile(m)) {
        JsonNode n = new ObjectMapper().readTree(m.toFile());
        if (n.hasNonNull("layout") && !n.get("layout").asText().isEmpty()) {
          return new Accounted(ExportLayout.parse(n.get("layout").asText()), m.toString());
        }
        if (n.has("image_tokens_per_qa")) {
          // written before layouts existed: that gate charged every QA its own image
          return new Accounted(ExportLayout.PER_QA, m + ", image tokens per QA");
        }
      }
      Path acc = run.resolve("accounting");
      if (Files.isDirectory(acc)) {
        List<Path> files;
        try (Stream<Path> s = Files.list(acc)) {
          files =
              s.filter(p -> p.toString().endsWith(".avro")).sorted().collect(Collectors.toList());
        }
        for (Path f : files) {
          try (DataFileReader<MixAccounting> r =
              new DataFileReader<>(
                  new File(f.toString()), new SpecificDatumReader<>(MixAccounting.class))) {
            for (MixAccounting a : r) {
              // records without a layout predate it: their gate charged every QA its own image
              return a.getLayout().isEmpty()
                  ? new Accounted(ExportLayout.PER_QA, f + ", image tokens per QA")
                  : new Accounted(ExportLayout.parse(a.getLayout()), f.toString());
            }
          }
        }
      }
    }
    return null;
  }

  /** How a run's mix gate rendered the assistant turns, and where that was read. */
  static final class AccountedReasoning {
    final ReasoningFormat format;
    final String where;

    AccountedReasoning(ReasoningFormat format, String where) {
      this.format = format;
      this.where = where;
    }
  }

  /**
   * The reasoning format the run's gate counted with: {@code reasoning} in its {@code mixture.json}
   * (a mixture.json without it was written before traces existed: none); null when the run wrote no
   * mixture.json (streaming runs: their accounting records do not say, so the export's --reasoning
   * must match the run's --exportReasoning by hand).
   */
  static AccountedReasoning accountedReasoning(Path in) throws IOException {
    for (Path run : runFolders(in)) {
      Path m = run.resolve("mixture.json");
      if (Files.isRegularFile(m)) {
        JsonNode n = new ObjectMapper().readTree(m.toFile());
        String r = n.hasNonNull("reasoning") ? n.get("reasoning").asText() : ReasoningFormat.NONE;
        return new AccountedReasoning(ReasoningFormat.of(r), m.toString());
      }
    }
    return null;
  }

  /**
   * One QA as a verifiable record for RL reward functions: the prompt (image and question), the
   * reference answer with its typed parts ({@code answer_type}: bool, object, value, label, count
   * or tie) and, for values, {@code value_si} with {@code unit} and {@code tolerance_si} (the
   * record's own; for records written before it, the tie threshold from the run's provenance), plus
   * the steps and the reasoning trace of multi-step families.
   */
  static ObjectNode verifiable(ObjectMapper json, QaRecord q) {
    ObjectNode o = json.createObjectNode();
    o.put("qa_id", q.getQaId());
    o.put("scene_id", q.getSceneId());
    o.putArray("images").add(q.getImageUri());
    o.put("question", q.getQuestion());
    o.put("answer", q.getAnswer());
    o.put("question_type", q.getQuestionType());
    boolean multi = q.getSteps() != null && !q.getSteps().isEmpty();
    o.put("multi_step", multi);
    String type;
    if (q.getTie()) {
      type = "tie";
    } else if (q.getAnswerBool() != null) {
      type = "bool";
    } else if (q.getAnswerObjectId() != null) {
      type = "object";
    } else if ("count_within".equals(q.getQuestionType())) {
      type = "count";
    } else if (q.getValueSi() != null) {
      type = "value";
    } else if (q.getAnswerLabel() != null) {
      type = "label";
    } else {
      type = "text";
    }
    o.put("answer_type", type);
    if (q.getAnswerBool() != null) {
      o.put("answer_bool", q.getAnswerBool());
    }
    if (q.getAnswerObjectId() != null) {
      o.put("answer_object_id", q.getAnswerObjectId());
      int i = q.getObjectIds().indexOf(q.getAnswerObjectId());
      if (i >= 0 && i < q.getObjectRefs().size()) {
        o.put("answer_object", q.getObjectRefs().get(i));
      }
    }
    if (q.getAnswerLabel() != null) {
      o.put("answer_label", q.getAnswerLabel());
    }
    if (q.getValueSi() != null && !q.getTie()) {
      o.put("value_si", q.getValueSi());
      String unit = "m";
      TemplateCatalog cat = TemplateCatalog.bundled();
      if (type.equals("count")) {
        unit = "count";
      } else if (cat.contains(q.getQuestionType())
          && "clock".equals(cat.get(q.getQuestionType()).unit())) {
        unit = "clock_hours";
      }
      o.put("unit", unit);
      Double tol = q.getToleranceSi();
      if (tol == null) {
        tol = provenanceTolerance(q, unit);
      }
      if (tol != null) {
        o.put("tolerance_si", tol);
      }
    }
    if (q.getMarginSi() != null) {
      o.put("margin_si", q.getMarginSi());
    }
    ArrayNode ids = o.putArray("object_ids");
    q.getObjectIds().forEach(ids::add);
    ArrayNode refs = o.putArray("object_refs");
    q.getObjectRefs().forEach(refs::add);
    if (multi) {
      o.put("reasoning_trace", q.getReasoningTrace());
      ArrayNode steps = o.putArray("steps");
      for (QaStep s : q.getSteps()) {
        ObjectNode n = steps.addObject();
        n.put("operation", s.getOperation());
        ArrayNode sids = n.putArray("object_ids");
        s.getObjectIds().forEach(sids::add);
        if (s.getValueSi() != null) {
          n.put("value_si", s.getValueSi());
        }
        if (s.getMarginSi() != null) {
          n.put("margin_si", s.getMarginSi());
        }
        if (s.getThresholdSi() != null) {
          n.put("threshold_si", s.getThresholdSi());
        }
        if (s.getResult() != null) {
          n.put("result", s.getResult());
        }
        n.put("text", s.getText());
      }
    }
    return o;
  }

  /** The tie threshold at the value from the run's recorded QA settings (older records). */
  static Double provenanceTolerance(QaRecord q, String unit) {
    if (unit.equals("clock_hours")) {
      return 0.5;
    }
    if (unit.equals("count")) {
      return 0.0;
    }
    Map<String, String> s = q.getProvenance() == null ? null : q.getProvenance().getSettings();
    if (s == null
        || !s.containsKey("qa.tie_margin_relative")
        || !s.containsKey("qa.tie_margin_absolute_m")) {
      return null;
    }
    double rel = Double.parseDouble(s.get("qa.tie_margin_relative"));
    double abs = Double.parseDouble(s.get("qa.tie_margin_absolute_m"));
    return Math.max(abs, rel * Math.abs(q.getValueSi()));
  }

  /**
   * The conversations export writes: per image all of its QA (by QA id), or per QA one each; in
   * image order.
   */
  static List<List<QaRecord>> conversations(
      Map<String, List<QaRecord>> byImage, ExportLayout layout) {
    List<List<QaRecord>> out = new ArrayList<>();
    for (List<QaRecord> qa : byImage.values()) {
      if (layout == ExportLayout.PER_IMAGE) {
        out.add(qa);
      } else {
        for (QaRecord q : qa) {
          out.add(List.of(q));
        }
      }
    }
    return out;
  }

  /** QA records under a file or folder, grouped by image URI (sorted), each group by QA id. */
  static Map<String, List<QaRecord>> readByImage(Path in, PrintStream err) throws IOException {
    List<Path> files;
    if (Files.isDirectory(in)) {
      try (Stream<Path> s = Files.walk(in)) {
        files = s.filter(p -> p.toString().endsWith(".avro")).sorted().collect(Collectors.toList());
      }
    } else {
      files = List.of(in);
    }
    String qaSchema = QaRecord.getClassSchema().getFullName();
    Map<String, List<QaRecord>> byImage = new TreeMap<>();
    for (Path f : files) {
      try (DataFileReader<QaRecord> r =
          new DataFileReader<>(new File(f.toString()), new SpecificDatumReader<>(QaRecord.class))) {
        if (!qaSchema.equals(r.getSchema().getFullName())) {
          continue; // scenes, dead letters, ...
        }
        for (QaRecord q : r) {
          byImage.computeIfAbsent(q.getImageUri(), k -> new ArrayList<>()).add(q);
        }
      } catch (IOException e) {
        err.println("spatialvqa export: " + f + " is not a readable Avro file: " + e.getMessage());
        return null;
      }
    }
    for (List<QaRecord> l : byImage.values()) {
      l.sort(Comparator.comparing(QaRecord::getQaId));
    }
    return byImage;
  }

  static ObjectNode messages(
      ObjectMapper json, String image, List<QaRecord> qa, ExportLayout layout) {
    return messages(json, image, qa, layout, ReasoningFormat.none());
  }

  static ObjectNode messages(
      ObjectMapper json,
      String image,
      List<QaRecord> qa,
      ExportLayout layout,
      ReasoningFormat reasoning) {
    ObjectNode o = json.createObjectNode();
    o.putArray("images").add(image);
    o.put("scene_id", qa.get(0).getSceneId());
    if (layout == ExportLayout.PER_QA) {
      o.put("qa_id", qa.get(0).getQaId());
    }
    ArrayNode msgs = o.putArray("messages");
    boolean first = true;
    for (QaRecord q : qa) {
      ObjectNode user = msgs.addObject();
      user.put("role", "user");
      ArrayNode content = user.putArray("content");
      if (first) {
        content.addObject().put("type", "image");
        first = false;
      }
      content.addObject().put("type", "text").put("text", q.getQuestion());
      ObjectNode assistant = msgs.addObject();
      assistant.put("role", "assistant");
      assistant
          .putArray("content")
          .addObject()
          .put("type", "text")
          .put("text", reasoning.assistant(q.getAnswer(), q.getReasoningTrace()));
    }
    return o;
  }

  static ObjectNode llava(ObjectMapper json, String image, List<QaRecord> qa, ExportLayout layout) {
    return llava(json, image, qa, layout, ReasoningFormat.none());
  }

  static ObjectNode llava(
      ObjectMapper json,
      String image,
      List<QaRecord> qa,
      ExportLayout layout,
      ReasoningFormat reasoning) {
    ObjectNode o = json.createObjectNode();
    o.put("id", layout == ExportLayout.PER_QA ? qa.get(0).getQaId() : qa.get(0).getSceneId());
    o.put("image", image);
    ArrayNode conv = o.putArray("conversations");
    boolean first = true;
    for (QaRecord q : qa) {
      conv.addObject()
          .put("from", "human")
          .put("value", (first ? "<image>\n" : "") + q.getQuestion());
      conv.addObject()
          .put("from", "gpt")
          .put("value", reasoning.assistant(q.getAnswer(), q.getReasoningTrace()));
      first = false;
    }
    return o;
  }
}
