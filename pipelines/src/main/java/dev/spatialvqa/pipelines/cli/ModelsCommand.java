package dev.spatialvqa.pipelines.cli;

import dev.spatialvqa.core.models.ModelCheck;
import dev.spatialvqa.core.models.ModelConfig;
import dev.spatialvqa.core.models.ModelResolver;
import dev.spatialvqa.pipelines.options.PerceptionSettings;
import dev.spatialvqa.transforms.perceive.BeamFileSystemsFetcher;
import java.io.PrintStream;
import java.util.List;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.options.PipelineOptionsFactory;

/**
 * {@code models check --models=CONFIG}: resolves and checks every configured model as a run's
 * start-up would, without running a job; exit 0 only when every role is accepted.
 */
final class ModelsCommand implements Command {
  @Override
  public String name() {
    return "models";
  }

  @Override
  public String summary() {
    return "check a model config: each role's file, hash, tokenizer and signature, without a job";
  }

  @Override
  public String help() {
    return "usage: spatialvqa models check --models=CONFIG [--sceneFilter=false] [--probe=false]\n\n"
        + "Resolves each role's file named in CONFIG (and its tokenizer), fetching remote ones into the\n"
        + "config's cache_dir and verifying every sha256, reads the ONNX signature and holds it to the\n"
        + "role's contracts, as `run` does at start-up, but without running a job. Prints one line per\n"
        + "role, ACCEPTED or REFUSED, followed by every difference from the contract and warnings on\n"
        + "files known to behave differently from the reference (fixed-size depth output, fixed\n"
        + "detector batch, SAM exports without the single-mask output, relative depth models).\n"
        + "Roles a run needs but CONFIG does not name are listed as MISSING (the CLIP towers only\n"
        + "while the scene filter is on; --sceneFilter=false as for `run`).\n"
        + "--probe=false skips running the depth model once on a 518x518 zero image (which detects an\n"
        + "export whose output size was fixed at export time).\n\n"
        + "Exit code: 0 when every role is accepted and none is missing, 1 otherwise, 2 on bad usage.";
  }

  @Override
  public int run(List<String> args, PrintStream out, PrintStream err) throws Exception {
    String why = Args.unknownOption(args, "models", "sceneFilter", "probe", "help");
    List<String> pos = Args.positional(args);
    if (why != null || pos.size() != 1 || !pos.get(0).equals("check")) {
      err.println(
          "spatialvqa models: "
              + (why != null ? why : "expected the subcommand 'check'")
              + "\n\n"
              + help());
      return 2;
    }
    String config = Args.value(args, "models");
    if (config == null || config.isBlank()) {
      err.println("spatialvqa models check: --models=CONFIG is required\n\n" + help());
      return 2;
    }
    String sf = Args.value(args, "sceneFilter");
    String probe = Args.value(args, "probe");
    for (String[] b : new String[][] {{"sceneFilter", sf}, {"probe", probe}}) {
      if (b[1] != null && !b[1].equals("true") && !b[1].equals("false")) {
        err.println("spatialvqa models check: --" + b[0] + " must be true or false, got " + b[1]);
        return 2;
      }
    }
    FileSystems.setDefaultPipelineOptions(PipelineOptionsFactory.create());
    ModelConfig cfg;
    try {
      cfg = PerceptionSettings.readConfig(config);
    } catch (RuntimeException e) {
      out.println("config REFUSED: " + e.getMessage());
      return 1;
    }
    ModelResolver resolver =
        ModelResolver.withDefaults(cfg.cachePath(), List.of(new BeamFileSystemsFetcher()));
    ModelCheck.Report r =
        ModelCheck.check(cfg, resolver, !"false".equals(sf), !"false".equals(probe));
    print(r, out);
    return r.ok() ? 0 : 1;
  }

  static void print(ModelCheck.Report r, PrintStream out) {
    for (ModelCheck.RoleResult x : r.roles()) {
      out.println(String.format("%-28s %-8s %s (%s)", x.role(), x.verdict(), x.name(), x.uri()));
      for (String p : x.problems()) {
        out.println("    - " + p);
      }
      for (String w : x.warnings()) {
        out.println("    warning: " + w);
      }
    }
    for (String m : r.missing()) {
      out.println(String.format("%-28s %-8s not configured, but a run needs it", m, "MISSING"));
    }
    for (String n : r.notes()) {
      out.println("note: " + n);
    }
    long acc = r.roles().stream().filter(x -> x.verdict() == ModelCheck.Verdict.ACCEPTED).count();
    out.println(
        acc
            + " accepted, "
            + (r.roles().size() - acc)
            + " refused, "
            + r.missing().size()
            + " missing: "
            + (r.ok() ? "a run would load these models" : "a run would stop at start-up"));
  }
}
