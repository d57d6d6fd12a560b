package dev.spatialvqa.pipelines.cli;

import java.io.PrintStream;
import java.util.List;

/** One subcommand of {@code bin/spatialvqa}. */
public interface Command {
  String name();

  /** One line for the command list. */
  String summary();

  /** The full --help text. */
  String help();

  /** Runs the command; returns the process exit code (0 ok, 1 failure, 2 usage error). */
  int run(List<String> args, PrintStream out, PrintStream err) throws Exception;
}
