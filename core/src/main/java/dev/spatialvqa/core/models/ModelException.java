package dev.spatialvqa.core.models;

/** A model cannot be used: missing, wrong hash, contract mismatch, or failed to load. */
public class ModelException extends RuntimeException {
  public ModelException(String message) {
    super(message);
  }

  public ModelException(String message, Throwable cause) {
    super(message, cause);
  }
}
