package dev.spatialvqa.core.lift;

/** A scene that cannot be lifted, with a reason code for its dead letter. */
public final class LiftException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;
  private final String reason;

  public LiftException(String reason, String message) {
    super(message);
    this.reason = reason;
  }

  public String reason() {
    return reason;
  }
}
