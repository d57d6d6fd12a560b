package dev.spatialvqa.pipelines.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spatialvqa.schemas.QaRecord;
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
 * {@code export --format=messages|llava --input=DIR --output=FILE}: QA records grouped by image, as
 * training conversations.
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
    return "usage: spatialvqa export --format=messages|llava --input=DIR --output=FILE [--overwrite]\n\n"
        + "Reads every QaRecord Avro file under DIR (e.g. out/demo or out/demo/qa; other Avro records\n"
        + "are skipped), groups the QA pairs by image and writes:\n"
        + "  messages  JSON Lines, one conversation per image in the Hugging Face / TRL chat format\n"
        + "            {\"images\": [uri], \"scene_id\": .., \"messages\": [{\"role\": \"user\", \"content\":\n"
        + "            [{\"type\": \"image\"}, {\"type\": \"text\", \"text\": ..}]}, {\"role\": \"assistant\", ..}, ..]}\n"
        + "  llava     one JSON array of {\"id\", \"image\", \"conversations\": [{\"from\": \"human\",\n"
        + "            \"value\": \"<image>\\n..\"}, {\"from\": \"gpt\", \"value\": ..}, ..]}";
  }

  @Override
  public int run(List<String> args, PrintStream out, PrintStream err) throws Exception {
    String format = Args.value(args, "format");
    String input = Args.value(args, "input");
    String output = Args.value(args, "output");
    boolean overwrite = Args.flag(args, "overwrite");
    String unknownOption = Args.unknownOption(args, "format", "input", "output", "overwrite");
    if (unknownOption != null) {
      err.println("spatialvqa export: " + unknownOption + "\n");
      err.println(help());
      return 2;
    }
    List<String> unknown = Args.without(args, "format", "input", "output", "overwrite");
    if (format == null
        || input == null
        || output == null
        || !unknown.isEmpty()
        || !(format.equals("messages") || format.equals("llava"))) {
      err.println(
          "spatialvqa export: need --format=messages|llava, --input=DIR and --output=FILE"
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
    Path target = Path.of(output);
    if (Files.exists(target) && !overwrite) {
      err.println(
          "spatialvqa export: "
              + target
              + " exists; nothing was written (pass --overwrite to replace it, or choose another"
              + " --output)");
      return 2;
    }
    if (Files.isDirectory(target)) {
      err.println("spatialvqa export: --output must be a file, " + target + " is a folder");
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
    ObjectMapper json = new ObjectMapper();
    Path outPath = Path.of(output);
    if (outPath.toAbsolutePath().getParent() != null) {
      Files.createDirectories(outPath.toAbsolutePath().getParent());
    }
    int turns = 0;
    try (BufferedWriter w = Files.newBufferedWriter(outPath, StandardCharsets.UTF_8)) {
      if (format.equals("messages")) {
        for (Map.Entry<String, List<QaRecord>> e : byImage.entrySet()) {
          w.write(json.writeValueAsString(messages(json, e.getKey(), e.getValue())));
          w.write('\n');
          turns += e.getValue().size();
        }
      } else {
        ArrayNode arr = json.createArrayNode();
        for (Map.Entry<String, List<QaRecord>> e : byImage.entrySet()) {
          arr.add(llava(json, e.getKey(), e.getValue()));
          turns += e.getValue().size();
        }
        w.write(json.enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(arr));
        w.write('\n');
      }
    }
    out.println(
        "wrote "
            + byImage.size()
            + " conversations ("
            + turns
            + " QA pairs) as "
            + format
            + " to "
            + outPath);
    return 0;
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

  static ObjectNode messages(ObjectMapper json, String image, List<QaRecord> qa) {
    ObjectNode o = json.createObjectNode();
    o.putArray("images").add(image);
    o.put("scene_id", qa.get(0).getSceneId());
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
      assistant.putArray("content").addObject().put("type", "text").put("text", q.getAnswer());
    }
    return o;
  }

  static ObjectNode llava(ObjectMapper json, String image, List<QaRecord> qa) {
    ObjectNode o = json.createObjectNode();
    o.put("id", qa.get(0).getSceneId());
    o.put("image", image);
    ArrayNode conv = o.putArray("conversations");
    boolean first = true;
    for (QaRecord q : qa) {
      conv.addObject()
          .put("from", "human")
          .put("value", (first ? "<image>\n" : "") + q.getQuestion());
      conv.addObject().put("from", "gpt").put("value", q.getAnswer());
      first = false;
    }
    return o;
  }
}
