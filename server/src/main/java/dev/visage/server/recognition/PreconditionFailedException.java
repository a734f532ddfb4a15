package dev.visage.server.recognition;

/** The request is well formed but the system is not in a state to answer it; the message says why. */
public final class PreconditionFailedException extends RuntimeException {
  public PreconditionFailedException(String message) {
    super(message);
  }
}
