package dev.spatialvqa.cli;

import dev.spatialvqa.io.RunLedger;
import dev.spatialvqa.pipeline.JobRunner;
import dev.spatialvqa.options.SpatialVqaOptions;
import java.io.PrintStream;
import java.util.List;

/** {@code run --input=KIND:VALUE --output=DIR [Beam options]}: the main job on any input. */
final class RunCommand implements Command {
  @Override
  public String name() {
    return "run";
  }

  @Override
  public String summary() {
    return "run the main job: --input=KIND:VALUE --output=DIR [Beam options]";
  }

  @Override
  public String help() {
    return """
        usage: spatialvqa run --input=KIND:VALUE --output=DIR [--overwrite] [Beam options]

        Inputs (KIND:VALUE):
          manifest:PATH     scene manifest (JSON Lines; RGB-D + objects; see data/README.md).
                            PATH may be a glob, a local path or gs://.
        Output (DIR, local or gs://):
          scenes/*.avro       SceneRecord: objects with 3D boxes in a gravity-aligned metric frame
          qa/*.avro           QaRecord: spatial question-answer pairs
          deadletters/*.avro  DeadLetter: every rejected input with stage and reason
          summary.json        the ledger of a bounded run (inputs = scenes + filtered + dead letters)
        --overwrite         replace the results of an earlier run in DIR
        --qaPerScene=N      QA records per scene (default 60)
        --minObjectPoints=N objects with fewer 3D points are filtered (default 50)

        Runners: --runner=DirectRunner (default) | FlinkRunner [--flinkMaster=[local]|host:port]
                 | DataflowRunner --project=.. --region=.. --tempLocation=gs://..
        """;
  }

  @Override
  public int run(List<String> args, PrintStream out, PrintStream err) throws Exception {
    boolean overwrite = Args.flag(args, "overwrite");
    SpatialVqaOptions o;
    try {
      o = JobRunner.options(Args.without(args, "overwrite"));
    } catch (IllegalArgumentException e) {
      err.println("spatialvqa run: " + e.getMessage());
      return 2;
    }
    return runAndReport(o, overwrite, out, err);
  }

  static int runAndReport(SpatialVqaOptions o, boolean overwrite, PrintStream out, PrintStream err)
      throws Exception {
    RunLedger ledger;
    try {
      ledger = JobRunner.run(o, overwrite, out);
    } catch (IllegalArgumentException e) {
      err.println("spatialvqa: " + e.getMessage());
      return 2;
    }
    if (ledger == null) {
      return 0;
    }
    out.println(ledger.toJson());
    out.println("wrote " + o.getOutput() + "/{scenes,qa,deadletters}/*.avro and summary.json");
    if (!ledger.balanced()) {
      err.println("spatialvqa: the ledger does not balance: " + ledger.balanceLine());
      return 1;
    }
    return 0;
  }
}
