package dev.spatialvqa.transforms.perceive;

import dev.spatialvqa.schemas.DeadLetter;
import dev.spatialvqa.schemas.FetchedImage;
import dev.spatialvqa.transforms.errors.DeadLetters;
import java.util.List;
import org.apache.beam.sdk.transforms.DoFn;

/** Manifest lines with an image only need a depth model and object perception. */
public final class MissingModelFn extends DoFn<FetchedImage, DeadLetter> {
  private final List<String> missing;

  public MissingModelFn(List<String> missing) {
    this.missing = List.copyOf(missing);
  }

  @ProcessElement
  public void process(@Element FetchedImage img, OutputReceiver<DeadLetter> out) {
    out.output(
        DeadLetters.of(
            "perception",
            "missing_model",
            "scene "
                + img.getSceneId()
                + " has no depth: it needs perception models "
                + missing
                + " (metric depth, region proposer, CLIP scene filter unless --sceneFilter=false);"
                + " pass --models=CONFIG naming them (README 'Perception models')",
            DeadLetters.ref(img.getUrl(), img.getContentHash(), img.getSceneId(), null),
            img.getEventTime()));
  }
}
