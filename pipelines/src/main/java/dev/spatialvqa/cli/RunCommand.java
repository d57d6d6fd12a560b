package dev.spatialvqa.cli;

import java.io.PrintStream;
import java.util.List;

final class RunCommand implements Command {
  @Override
  public String name() {
    return "run";
  }

  @Override
  public String summary() {
    return "(being built)";
  }

  @Override
  public String help() {
    return "(being built)";
  }

  @Override
  public int run(List<String> args, PrintStream out, PrintStream err) {
    err.println("not yet");
    return 1;
  }
}
