package dev.spatialvqa.pipelines.cli;

import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;

/** {@code inspect PATH [--limit=N]}: prints the records of an Avro file or folder as JSON lines. */
final class InspectCommand implements Command {
  @Override
  public String name() {
    return "inspect";
  }

  @Override
  public String summary() {
    return "print the records of an Avro file or folder as JSON lines";
  }

  @Override
  public String help() {
    return "usage: spatialvqa inspect PATH [--limit=N]\n\n"
        + "PATH is an .avro file or a folder searched recursively for .avro files (e.g. out/demo/qa).\n"
        + "Prints one JSON object per record (Avro's JSON rendering), at most N in all.";
  }

  @Override
  public int run(List<String> args, PrintStream out, PrintStream err) throws IOException {
    String unknown = Args.unknownOption(args, "limit");
    if (unknown != null) {
      err.println("spatialvqa inspect: " + unknown + "\n");
      err.println(help());
      return 2;
    }
    List<String> pos = Args.positional(args);
    if (pos.size() != 1) {
      err.println(help());
      return 2;
    }
    String limitArg = Args.value(args, "limit");
    long limit;
    try {
      limit = limitArg == null ? Long.MAX_VALUE : Long.parseLong(limitArg);
    } catch (NumberFormatException e) {
      err.println("spatialvqa inspect: --limit must be a whole number, got '" + limitArg + "'");
      return 2;
    }
    Path path = Path.of(pos.get(0));
    if (!Files.exists(path)) {
      err.println("spatialvqa inspect: no such file or folder: " + path);
      return 1;
    }
    List<Path> files;
    if (Files.isDirectory(path)) {
      try (Stream<Path> s = Files.walk(path)) {
        files = s.filter(p -> p.toString().endsWith(".avro")).sorted().collect(Collectors.toList());
      }
    } else {
      files = List.of(path);
    }
    long printed = 0;
    for (Path f : files) {
      try (DataFileReader<GenericRecord> r =
          new DataFileReader<>(new File(f.toString()), new GenericDatumReader<>())) {
        for (GenericRecord rec : r) {
          if (printed >= limit) {
            return 0;
          }
          out.println(rec.toString());
          printed++;
        }
      } catch (IOException e) {
        err.println("spatialvqa inspect: " + f + " is not a readable Avro file: " + e.getMessage());
        return 1;
      }
    }
    return 0;
  }
}
