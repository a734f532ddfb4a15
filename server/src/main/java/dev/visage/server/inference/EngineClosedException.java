package dev.visage.server.inference;

/** Work arrived after the models were shut down: the server is stopping. */
public final class EngineClosedException extends IllegalStateException {
  public EngineClosedException() {
    super("the server is shutting down");
  }
}
