package dev.visage.console.connection;

import io.grpc.Status;

/** Turns failures into one sentence an operator can act on. Never a stack trace. */
public final class ErrorMessages {

  private ErrorMessages() {}

  public static String describe(Throwable error) {
    Status status = Status.fromThrowable(error);
    String detail = status.getDescription() == null ? "" : status.getDescription();
    return switch (status.getCode()) {
      case UNAVAILABLE -> "The server cannot be reached" + (detail.isEmpty() ? "" : " (" + shorten(detail) + ")")
          + ". Check the address under Server > Connection and that the server is running.";
      case DEADLINE_EXCEEDED -> "The server did not answer in time; it may be overloaded. Try again.";
      case CANCELLED -> "The server closed the connection; it may be restarting.";
      case UNAUTHENTICATED -> "The server needs a valid API key: enter it under Server > Connection.";
      case PERMISSION_DENIED -> "Your API key is not allowed to do this; ask for an operator key.";
      case RESOURCE_EXHAUSTED -> "The server refused: " + sentence(detail);
      case UNKNOWN -> error.getMessage() == null || error.getMessage().isBlank()
          ? "Something went wrong; try again." : sentence(error.getMessage());
      default -> detail.isEmpty() ? status.getCode().toString() : sentence(detail);
    };
  }

  private static String sentence(String text) {
    String trimmed = shorten(text.strip());
    if (trimmed.isEmpty()) {
      return trimmed;
    }
    String capitalised = Character.toUpperCase(trimmed.charAt(0)) + trimmed.substring(1);
    return capitalised.endsWith(".") ? capitalised : capitalised + ".";
  }

  private static String shorten(String text) {
    String firstLine = text.lines().findFirst().orElse("");
    return firstLine.length() > 200 ? firstLine.substring(0, 200) + "..." : firstLine;
  }
}
