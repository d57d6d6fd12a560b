package dev.spatialvqa.pipelines.cli;

import dev.spatialvqa.pipelines.graph.JobRunner;
import dev.spatialvqa.pipelines.options.SpatialVqaOptions;
import dev.spatialvqa.transforms.errors.RunLedger;
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
          urls:FILE         crawl records, bounded: JSON Lines {"url", "caption", "source",
                            "crawl_time"} or one URL per line
          watch:GLOB        new files as they appear (JSON Lines, or WebDataset/img2dataset .tar
                            shards of image + json pairs); unbounded
          kafka:BOOTSTRAP/TOPIC        crawl records from Kafka (event time = crawl_time); unbounded
          pubsub:projects/P/subscriptions/S   crawl records from Pub/Sub (Dataflow); unbounded
        Image inputs need perception models for a full run; --until=fetch runs ingest only:
          images/*.avro       ImageRecord (url, content_hash, format, width, height, image_uri)
          images/blobs/       the image bytes as <sha256>.<ext>
        --allowNetworks=CIDR[,CIDR]  let the fetcher reach these non-public ranges (the SSRF guard
                            refuses loopback, private, link-local/metadata, multicast by default)
        --windowSize=1m     streaming window (output shards per window; duplicate images dropped)
        --connectTimeoutMs, --readTimeoutMs, --maxImageBytes, --maxImagePixels, --maxRedirects,
        --fetchRetries, --perHostConcurrency, --watchInterval=10s   fetcher / watcher settings
        Output (DIR, local or gs://):
          scenes/*.avro       SceneRecord: objects with 3D boxes in a gravity-aligned metric frame
          qa/*.avro           QaRecord: spatial question-answer pairs admitted by the mix gate
          reserve/*.avro      QaRecord: QA past the mix gate's deferral cap / waiting at the end
          accounting/*.avro   MixAccounting: tokens per mix window (general, admitted, deferred,
                              reserved, conversations opened), achieved and target share, layout
          mixture.json        layout accounted, image tokens per conversation, template tokens per
                              turn, spatial share, shards and sampling weights (bounded runs)
          deadletters/*.avro  DeadLetter: every rejected input with stage and reason
          summary.json        the ledger of a bounded run (inputs = scenes + filtered + dead letters)
        --overwrite         replace the results of an earlier run in DIR
        --qaPerScene=N      QA records per scene (default 60)
        --qaMultiStepPerScene=N  multi-step reasoning records per scene, on top (default 20; 0 = none)
        --minObjectPoints=N objects with fewer 3D points are filtered (default 50)

        Training mix (spatial share of training tokens, held per event-time window):
          --spatialShare=S    target share, decimal or fraction (default 0.05 = 1/20)
          --mixInput=jsonl:PATH  general-mix records (num_tokens, or text [+ images]); without it
                              every QA is admitted and accounting says how many general tokens the
                              share needs
          --tokenizer=PATH    your VLM's tokenizer.json (default: MiniLM-L6's WordPiece tokenizer,
                              only so that the demo runs)
          --exportLayout=L    per_image (default: one conversation per image, as export writes
                              it; the image is charged once per image) | per_qa (one conversation
                              per QA, each with its image); export refuses another layout
          --exportReasoning=R none (default) | think | template with {trace}: how export will put
                              multi-step reasoning traces before answers (counted so); export
                              refuses another --reasoning
          --imageTokens=N     vision tokens per conversation (default 576)
          --chatFormat=F      user-assistant (default) | chatml | raw | template with {question}
                              and {answer}
          --mixWindowSeconds=N (default 60)  --mixAllowedLatenessSeconds=N (default 0)
          --maxDeferredQa=N   surplus QA that may wait for later windows (default 50000)

        Runners: --runner=FlinkRunner (default, with --flinkMaster=[local]: the embedded Flink
                 mini-cluster) [--flinkMaster=host:port] | DirectRunner (Beam's test runner;
                 its per-bundle enforcement is off unless --enforceImmutability=true)
                 | DataflowRunner --project=.. --region=.. --tempLocation=gs://..
        """;
  }

  @Override
  public int run(List<String> args, PrintStream out, PrintStream err) throws Exception {
    boolean overwrite = Args.flag(args, "overwrite");
    SpatialVqaOptions o;
    try {
      o = JobRunner.options(JobRunner.withLocalRunnerDefaults(Args.without(args, "overwrite")));
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
      ledger = JobRunner.run(o, overwrite, out, err);
    } catch (IllegalArgumentException e) {
      err.println("spatialvqa: " + e.getMessage());
      return 2;
    }
    if (ledger == null) {
      return 0;
    }
    out.println(ledger.toJson());
    if (ledger.inputs() == 0) {
      err.println(
          "spatialvqa: warning: the input held no records (an empty or blank file?): nothing was"
              + " produced");
    }
    out.println(
        "wrote "
            + o.getOutput()
            + (dev.spatialvqa.pipelines.graph.ImageIngest.untilFetch(o)
                ? "/{images,deadletters}/*.avro and summary.json"
                : "/{scenes,qa,duplicates,reserve,accounting,deadletters}/*.avro, summary.json and mixture.json"));
    if (!ledger.complete()) {
      err.println("spatialvqa: the ledger does not balance: " + ledger.balanceLine());
      return 1;
    }
    return 0;
  }
}
