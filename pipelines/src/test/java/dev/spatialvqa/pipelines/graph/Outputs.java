package dev.spatialvqa.pipelines.graph;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;

/** Reads a run's Avro shards back. */
public final class Outputs {
  private Outputs() {}

  public static <T extends SpecificRecord> List<T> read(Path dir, Class<T> type) throws Exception {
    List<T> out = new ArrayList<>();
    if (!Files.exists(dir)) {
      return out;
    }
    List<Path> files;
    try (Stream<Path> s = Files.walk(dir)) {
      files = s.filter(p -> p.toString().endsWith(".avro")).sorted().toList();
    }
    for (Path f : files) {
      try (DataFileReader<T> r =
          new DataFileReader<>(new File(f.toString()), new SpecificDatumReader<>(type))) {
        r.forEach(out::add);
      }
    }
    return out;
  }
}
