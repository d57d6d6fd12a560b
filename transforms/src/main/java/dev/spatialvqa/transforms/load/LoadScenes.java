package dev.spatialvqa.transforms.load;

import dev.spatialvqa.core.load.InputException;
import dev.spatialvqa.core.load.ManifestEntry;
import dev.spatialvqa.core.load.ManifestParser;
import dev.spatialvqa.core.load.SceneLoader;
import dev.spatialvqa.schemas.DeadLetter;
import dev.spatialvqa.schemas.FetchedImage;
import dev.spatialvqa.schemas.InputRef;
import dev.spatialvqa.schemas.PerceivedScene;
import dev.spatialvqa.transforms.errors.DeadLetters;
import java.io.IOException;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;
import org.joda.time.Instant;

/**
 * Parses manifest lines and loads the files they name. Outputs: {@link #SCENES} (lines with depth:
 * perception came with the input), {@link #NEEDS_PERCEPTION} (lines with an image only), and {@link
 * DeadLetters#TAG} (malformed lines, missing or undecodable files, size mismatches, bad intrinsics;
 * stage {@code load_scene}). Stateless, any windowing. Transient read failures throw.
 */
public final class LoadScenes extends PTransform<PCollection<ManifestLine>, PCollectionTuple> {
  public static final TupleTag<PerceivedScene> SCENES = new TupleTag<PerceivedScene>("scenes") {};
  public static final TupleTag<FetchedImage> NEEDS_PERCEPTION =
      new TupleTag<FetchedImage>("needs_perception") {};
  static final String STAGE = "load_scene";

  private LoadScenes() {}

  public static LoadScenes create() {
    return new LoadScenes();
  }

  @Override
  public PCollectionTuple expand(PCollection<ManifestLine> lines) {
    return lines.apply(
        "ParseAndLoad",
        ParDo.of(new LoadFn())
            .withOutputTags(SCENES, TupleTagList.of(NEEDS_PERCEPTION).and(DeadLetters.TAG)));
  }

  static final class LoadFn extends DoFn<ManifestLine, PerceivedScene> {
    private transient SceneLoader loader;

    @Setup
    public void setup() {
      loader =
          new SceneLoader(new BeamBlobReader(), dev.spatialvqa.transforms.errors.Ledger.COUNTS);
    }

    @ProcessElement
    public void process(@Element ManifestLine line, @Timestamp Instant ts, MultiOutputReceiver out)
        throws IOException {
      Long eventTime = DeadLetters.eventTime(ts);
      String sceneId = null;
      try {
        if (line.tooLongMessage() != null) {
          throw new InputException("line_too_long", line.tooLongMessage());
        }
        ManifestEntry entry = ManifestParser.parse(line.text());
        sceneId = entry.sceneId();
        SceneLoader.Loaded loaded = loader.load(entry, line.manifestUri(), eventTime);
        if (loaded instanceof SceneLoader.Scene s) {
          out.get(SCENES).output(s.scene());
        } else if (loaded instanceof SceneLoader.NeedsPerception n) {
          out.get(NEEDS_PERCEPTION).output(n.image());
        }
      } catch (InputException e) {
        InputRef ref = DeadLetters.ref(line.manifestUri(), null, sceneId, line.lineNumber());
        DeadLetter dl = DeadLetters.of(STAGE, e.reason(), e.getMessage(), ref, eventTime);
        out.get(DeadLetters.TAG).output(dl);
      }
    }
  }
}
