package dev.visage.server.api;

import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Admission control: at most {@code limit} unary Visage calls at once. Beyond it a call is refused at
 * once with RESOURCE_EXHAUSTED rather than queued, so an overload cannot grow the server's memory
 * with waiting requests. Health checks and reflection are never refused.
 */
public final class ConcurrencyLimitInterceptor implements ServerInterceptor {

  private final int limit;
  private final AtomicInteger inFlight = new AtomicInteger();

  public ConcurrencyLimitInterceptor(int limit) {
    this.limit = limit;
  }

  public int inFlight() {
    return inFlight.get();
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    // Streams are long-lived and have their own limit; health checks and reflection are free.
    if (call.getMethodDescriptor().getType() != MethodDescriptor.MethodType.UNARY
        || !call.getMethodDescriptor().getFullMethodName().startsWith("visage.")) {
      return next.startCall(call, headers);
    }
    if (inFlight.incrementAndGet() > limit) {
      inFlight.decrementAndGet();
      call.close(Status.RESOURCE_EXHAUSTED.withDescription("the server is already handling its limit of "
          + limit + " concurrent requests; retry with backoff"), new Metadata());
      return new ServerCall.Listener<>() {};
    }
    AtomicBoolean released = new AtomicBoolean();
    Runnable release = () -> {
      if (released.compareAndSet(false, true)) {
        inFlight.decrementAndGet();
      }
    };
    try {
      return new SimpleForwardingServerCallListener<>(next.startCall(call, headers)) {
        @Override
        public void onComplete() {
          release.run();
          super.onComplete();
        }

        @Override
        public void onCancel() {
          release.run();
          super.onCancel();
        }
      };
    } catch (RuntimeException e) {
      release.run();
      throw e;
    }
  }
}
