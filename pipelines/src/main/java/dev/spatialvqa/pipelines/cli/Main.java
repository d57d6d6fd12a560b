package dev.spatialvqa.pipelines.cli;

import dev.spatialvqa.core.runtime.DjlOffline;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

/** The command-line entry: {@code spatialvqa COMMAND [ARGS]}. */
public final class Main {
  private Main() {}

  static final String MISSING_BENCH =
      "the benchmarks module is not on the class path (it is not part of the runtime"
          + " distribution): run it through bin/spatialvqa bench, which adds"
          + " benchmarks/target/bench/";

  /**
   * The subcommands, in the order {@code --help} lists them. One line per command. Commands from
   * other modules on the class path ({@code bench}, from the benchmarks module, which is not part
   * of the runtime distribution) come through {@link ServiceLoader}.
   */
  static Map<String, Command> commands() {
    Map<String, Command> m = new LinkedHashMap<>();
    for (Command c :
        List.<Command>of(
            new DemoCommand(),
            new RunCommand(),
            new EvaluateCommand(),
            new EvalCommand(),
            new ReportCommand(),
            new InspectCommand(),
            new TemplatesCommand(),
            new ExportCommand(),
            new ModelsCommand())) {
      m.put(c.name(), c);
    }
    for (Command c : ServiceLoader.load(Command.class)) {
      m.putIfAbsent(c.name(), c);
    }
    m.putIfAbsent(
        "bench",
        new Command() {
          @Override
          public String name() {
            return "bench";
          }

          @Override
          public String summary() {
            return "run a named benchmark (the benchmarks module; bin/spatialvqa bench adds it)";
          }

          @Override
          public String help() {
            return "usage: spatialvqa bench NAME [ARGS]  (through bin/spatialvqa)\n\n"
                + MISSING_BENCH;
          }

          @Override
          public int run(List<String> args, PrintStream out, PrintStream err) {
            err.println("spatialvqa: " + MISSING_BENCH);
            return 1;
          }
        });
    return m;
  }

  public static void main(String[] args) {
    DjlOffline.enforce();
    int code;
    try {
      code = run(List.of(args), System.out, System.err);
    } catch (Exception e) {
      System.err.println("spatialvqa: " + e.getMessage());
      e.printStackTrace(System.err);
      code = 1;
    }
    System.out.flush();
    writeResourceReport();
    System.exit(code);
  }

  public static int run(List<String> args, PrintStream out, PrintStream err) throws Exception {
    DjlOffline.enforce();
    Map<String, Command> commands = commands();
    if (args.isEmpty()
        || args.get(0).equals("--help")
        || args.get(0).equals("-h")
        || args.get(0).equals("help")) {
      out.println(usage(commands));
      return args.isEmpty() ? 2 : 0;
    }
    Command c = commands.get(args.get(0));
    if (c == null) {
      err.println("spatialvqa: unknown command '" + args.get(0) + "'\n");
      err.println(usage(commands));
      return 2;
    }
    List<String> rest = new ArrayList<>(args.subList(1, args.size()));
    if (rest.contains("--help") || rest.contains("-h")) {
      out.println(c.help());
      return 0;
    }
    return c.run(rest, out, err);
  }

  static String usage(Map<String, Command> commands) {
    StringBuilder sb =
        new StringBuilder(
            "usage: spatialvqa COMMAND [ARGS]   (COMMAND --help for details)\n\ncommands:\n");
    for (Command c : commands.values()) {
      sb.append(String.format("  %-10s %s%n", c.name(), c.summary()));
    }
    return sb.toString();
  }

  /**
   * With {@code -Dspatialvqa.resourceReport=FILE}, writes this process's CPU seconds, peak resident
   * memory and uptime as JSON to FILE at exit ({@code bench pipeline} runs jobs in child processes
   * and reads it).
   */
  static void writeResourceReport() {
    String file = System.getProperty("spatialvqa.resourceReport");
    if (file == null) {
      return;
    }
    try {
      double cpu =
          ((com.sun.management.OperatingSystemMXBean)
                      java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                  .getProcessCpuTime()
              / 1e9;
      long hwmKb = -1;
      java.nio.file.Path status = java.nio.file.Path.of("/proc/self/status");
      if (java.nio.file.Files.exists(status)) {
        for (String l : java.nio.file.Files.readAllLines(status)) {
          if (l.startsWith("VmHWM:")) {
            hwmKb = Long.parseLong(l.replaceAll("[^0-9]", ""));
          }
        }
      }
      double uptime = java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime() / 1e3;
      java.nio.file.Files.writeString(
          java.nio.file.Path.of(file),
          String.format(
              java.util.Locale.ROOT,
              "{\"cpu_s\": %.3f, \"peak_rss_kb\": %d, \"uptime_s\": %.3f}%n",
              cpu,
              hwmKb,
              uptime));
    } catch (Exception e) {
      System.err.println("spatialvqa: could not write the resource report: " + e.getMessage());
    }
  }
}
