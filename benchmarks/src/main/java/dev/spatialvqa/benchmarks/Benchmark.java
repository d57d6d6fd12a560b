package dev.spatialvqa.benchmarks;

import java.io.PrintStream;
import java.util.List;
import java.util.Map;

/**
 * A named benchmark run by {@code bin/spatialvqa bench NAME}. It prints what it measures as it goes
 * and returns its figures; the command prints them as the last line, one JSON object.
 */
public interface Benchmark {
  String name();

  String description();

  /** Runs the benchmark; args are the command's remaining arguments (e.g. --seconds=N). */
  Map<String, Object> run(List<String> args, PrintStream out) throws Exception;
}
