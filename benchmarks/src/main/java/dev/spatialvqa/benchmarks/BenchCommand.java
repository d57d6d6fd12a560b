package dev.spatialvqa.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spatialvqa.pipelines.cli.Command;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** {@code bench NAME [ARGS]}: runs a named benchmark; the last line printed is one JSON object. */
public final class BenchCommand implements Command {
  @Override
  public String name() {
    return "bench";
  }

  @Override
  public String summary() {
    return "run a named benchmark (last line: one JSON object of its figures)";
  }

  @Override
  public String help() {
    StringBuilder sb = new StringBuilder("usage: spatialvqa bench NAME [ARGS]\n\nbenchmarks:\n");
    for (Map.Entry<String, Supplier<Benchmark>> e : Benchmarks.all().entrySet()) {
      sb.append(String.format("  %-10s %s%n", e.getKey(), e.getValue().get().description()));
    }
    sb.append("\nFigures are recorded in docs/benchmarks.md with the command that produced them.");
    return sb.toString();
  }

  @Override
  public int run(List<String> args, PrintStream out, PrintStream err) throws Exception {
    if (args.isEmpty()) {
      err.println(help());
      return 2;
    }
    Supplier<Benchmark> b = Benchmarks.all().get(args.get(0));
    if (b == null) {
      err.println("spatialvqa bench: unknown benchmark '" + args.get(0) + "'\n");
      err.println(help());
      return 2;
    }
    Map<String, Object> figures = b.get().run(args.subList(1, args.size()), out);
    out.println(new ObjectMapper().writeValueAsString(figures));
    return 0;
  }
}
