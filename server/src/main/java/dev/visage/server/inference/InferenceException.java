package dev.visage.server.inference;

/** A model run failed for a reason that is the server's, not the caller's. */
public final class InferenceException extends RuntimeException {
  public InferenceException(String message, Throwable cause) {
    super(message, cause);
  }
}
