package dev.visage.server.models;

/** A model file could not be found or fetched with the right SHA-256. The message says how to fix it. */
public final class ModelUnavailableException extends Exception {
  public ModelUnavailableException(String message) {
    super(message);
  }
}
