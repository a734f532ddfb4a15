package dev.visage.server.security;

/** The server refuses to start as configured: the message says why and what to change. */
public final class SecuritySetupException extends RuntimeException {

  public SecuritySetupException(String message) {
    super(message);
  }

  public SecuritySetupException(String message, Throwable cause) {
    super(message, cause);
  }
}
