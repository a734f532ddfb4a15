package dev.visage.server.api;

import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;

/** Runs a unary call's body and answers with its result or with the status its failure maps to. */
final class Unary {

  @FunctionalInterface
  interface Body<T> {
    T call() throws Exception;
  }

  private Unary() {}

  static <T> void respond(String method, StreamObserver<T> observer, Body<T> body) {
    T response;
    try {
      response = body.call();
    } catch (Throwable error) {
      try {
        observer.onError(ApiErrors.toStatus(method, error).asRuntimeException());
      } catch (StatusRuntimeException cancelled) {
        // The client went away first; nobody is left to tell.
      }
      return;
    }
    try {
      observer.onNext(response);
      observer.onCompleted();
    } catch (StatusRuntimeException cancelled) {
      // The client cancelled or its deadline passed while the answer was being computed.
    }
  }
}
