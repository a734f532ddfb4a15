package dev.visage.server.api;

import dev.visage.server.metrics.Metrics;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs a unary call's body and answers with its result or with the status its failure maps to. */
final class Unary {

  @FunctionalInterface
  interface Body<T> {
    T call() throws Exception;
  }

  private static final Logger log = LoggerFactory.getLogger(Unary.class);

  private Unary() {}

  static <T> void respond(String method, StreamObserver<T> observer, Body<T> body) {
    long started = System.nanoTime();
    T response;
    try {
      response = body.call();
    } catch (Throwable error) {
      Status status = ApiErrors.toStatus(method, error);
      logCall(method, status.getCode(), started);
      try {
        observer.onError(status.asRuntimeException());
      } catch (StatusRuntimeException cancelled) {
        // The client went away first; nobody is left to tell.
      }
      return;
    }
    logCall(method, Status.Code.OK, started);
    try {
      observer.onNext(response);
      observer.onCompleted();
    } catch (StatusRuntimeException cancelled) {
      // The client cancelled or its deadline passed while the answer was being computed.
    }
  }

  /** Counts the call in the metrics, and logs one line at debug level: method, outcome, time; never its content. */
  private static void logCall(String method, Status.Code code, long started) {
    long nanos = System.nanoTime() - started;
    Metrics.REQUESTS.labelValues(method, code.name()).inc();
    Metrics.REQUEST_SECONDS.labelValues(method).observe(nanos / 1e9);
    if (log.isDebugEnabled()) {
      log.debug("{} {} in {} ms", method, code, TimeUnit.NANOSECONDS.toMillis(nanos));
    }
  }
}
