package dev.spatialvqa.transforms.errors;

import dev.spatialvqa.schemas.DeadLetter;
import dev.spatialvqa.schemas.InputRef;
import org.apache.beam.sdk.values.TupleTag;

/**
 * The one dead-letter path. A DoFn that can reject its input declares {@link #TAG} as an additional
 * output and emits {@link #of} there; the pipeline flattens every stage's dead letters into {@code
 * OUTPUT/deadletters}. Building a dead letter also counts it in the {@link Ledger} under {@code
 * dead.<reason>}, so a caller must emit exactly one per rejected input.
 */
public final class DeadLetters {
  /** The additional output every rejecting DoFn declares. */
  public static final TupleTag<DeadLetter> TAG = new TupleTag<DeadLetter>("deadletters") {};

  private DeadLetters() {}

  /**
   * A dead letter for one rejected input, counted under {@code dead.<reason>}.
   *
   * @param stage the stage that rejected it (a stable step name, e.g. {@code load_scene})
   * @param reason a stable reason code (snake_case, e.g. {@code missing_file})
   * @param message human-readable detail (never the input's bytes)
   * @param ref what the input was
   * @param eventTimeMillis event time of the input, or null for bounded inputs without one
   */
  public static DeadLetter of(
      String stage, String reason, String message, InputRef ref, Long eventTimeMillis) {
    Ledger.dead(reason).inc();
    return uncounted(stage, reason, message, ref, eventTimeMillis);
  }

  /** A dead letter that is not counted (for tests and for re-emitting an already counted one). */
  public static DeadLetter uncounted(
      String stage, String reason, String message, InputRef ref, Long eventTimeMillis) {
    String msg = message == null ? reason : message;
    if (msg.length() > 2000) {
      msg = msg.substring(0, 2000) + "...";
    }
    return DeadLetter.newBuilder()
        .setStage(stage)
        .setReason(reason)
        .setMessage(msg)
        .setInputRef(ref == null ? InputRef.newBuilder().build() : ref)
        .setEventTime(eventTimeMillis)
        .build();
  }

  /** The event time to record for an element timestamp: null for bounded inputs without one. */
  public static Long eventTime(org.joda.time.Instant timestamp) {
    if (timestamp == null
        || !timestamp.isAfter(
            org.apache.beam.sdk.transforms.windowing.BoundedWindow.TIMESTAMP_MIN_VALUE)) {
      return null;
    }
    return timestamp.getMillis();
  }

  public static InputRef ref(String uri, String contentHash, String sceneId, Long line) {
    return InputRef.newBuilder()
        .setUri(uri)
        .setContentHash(contentHash)
        .setSceneId(sceneId)
        .setLine(line)
        .build();
  }
}
