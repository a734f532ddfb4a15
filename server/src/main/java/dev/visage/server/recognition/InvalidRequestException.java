package dev.visage.server.recognition;

/** A request the caller must change: the message says what and how. */
public final class InvalidRequestException extends RuntimeException {
  public InvalidRequestException(String message) {
    super(message);
  }
}
