package dev.visage.server.api;

import dev.visage.server.gallery.GalleryStorageException;
import dev.visage.server.gallery.NotFoundException;
import dev.visage.server.inference.EngineClosedException;
import dev.visage.server.recognition.InvalidRequestException;
import dev.visage.server.recognition.PreconditionFailedException;
import dev.visage.server.vision.ImageRejectedException;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Maps what went wrong to a gRPC status a client can act on. Problems with the request are the
 * caller's to fix (INVALID_ARGUMENT, NOT_FOUND, FAILED_PRECONDITION); problems of the server are
 * UNAVAILABLE when retrying may help, and INTERNAL, with a reference into the log, when it will not.
 */
final class ApiErrors {

  private static final Logger log = LoggerFactory.getLogger(ApiErrors.class);

  private ApiErrors() {}

  static Status toStatus(String method, Throwable error) {
    return switch (error) {
      case StatusRuntimeException status -> status.getStatus();
      case ImageRejectedException image -> Status.INVALID_ARGUMENT.withDescription(image.getMessage());
      case InvalidRequestException invalid -> Status.INVALID_ARGUMENT.withDescription(invalid.getMessage());
      case NotFoundException missing -> Status.NOT_FOUND.withDescription(missing.getMessage());
      case PreconditionFailedException precondition -> Status.FAILED_PRECONDITION.withDescription(precondition.getMessage());
      case GalleryStorageException storage -> {
        log.error("{}: gallery storage failure: {}", method, storage.getMessage(), storage.getCause());
        yield Status.UNAVAILABLE.withDescription(storage.getMessage());
      }
      case EngineClosedException closed -> Status.UNAVAILABLE.withDescription("the server is shutting down; retry later");
      case InterruptedException interrupted -> {
        Thread.currentThread().interrupt();
        yield Status.UNAVAILABLE.withDescription("the server is shutting down; retry against another instance or later");
      }
      default -> {
        String reference = UUID.randomUUID().toString().substring(0, 8);
        log.error("{} failed unexpectedly [ref {}]", method, reference, error);
        yield Status.INTERNAL.withDescription("the server failed unexpectedly (reference " + reference
            + "); its log has the details under that reference");
      }
    };
  }

  static StatusRuntimeException invalid(String message) {
    return Status.INVALID_ARGUMENT.withDescription(message).asRuntimeException();
  }
}
