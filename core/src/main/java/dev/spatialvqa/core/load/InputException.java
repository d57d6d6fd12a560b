package dev.spatialvqa.core.load;

/**
 * Permanently bad input: becomes a dead letter with {@link #reason()} (a stable snake_case code)
 * and the message. Transient failures (network, out of memory) are other exceptions and are retried
 * by the runner.
 */
public final class InputException extends Exception {
  private static final long serialVersionUID = 1L;
  private final String reason;

  public InputException(String reason, String message) {
    super(message);
    this.reason = reason;
  }

  public InputException(String reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  public String reason() {
    return reason;
  }
}
