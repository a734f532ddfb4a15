package dev.visage.server.api;

import dev.visage.api.v1.WatchEventsResponse;
import dev.visage.server.camera.CameraMessage;
import dev.visage.server.camera.EventHub;
import io.grpc.stub.ServerCallStreamObserver;
import java.util.ArrayDeque;

/**
 * One WatchEvents call. Messages wait in a bounded queue and are written whenever the transport is
 * ready; when the watcher reads too slowly the oldest waiting messages are dropped and counted, so
 * the cameras (which hand messages over without waiting) never slow down.
 */
final class WatchStream implements EventHub.Watcher {

  static final int QUEUE_LIMIT = 256;

  private final ServerCallStreamObserver<WatchEventsResponse> out;
  private final ArrayDeque<WatchEventsResponse> queue = new ArrayDeque<>();
  private long dropped;
  private boolean closed;
  private Runnable unsubscribe = () -> { };

  private WatchStream(ServerCallStreamObserver<WatchEventsResponse> out) {
    this.out = out;
  }

  /** @param cameraId a camera, or empty for all */
  static void open(ServerCallStreamObserver<WatchEventsResponse> out, EventHub hub, String cameraId) {
    WatchStream stream = new WatchStream(out);
    out.setOnReadyThreshold(RecognizeStream.TRANSPORT_BUFFER);
    out.setOnReadyHandler(stream::drain);
    out.setOnCancelHandler(stream::close);
    Runnable unsubscribe = hub.subscribe(cameraId, stream);
    synchronized (stream) {
      stream.unsubscribe = unsubscribe;
      if (stream.closed) {
        unsubscribe.run();
      }
    }
  }

  @Override
  public synchronized void offer(CameraMessage message) {
    if (closed) {
      return;
    }
    if (queue.size() >= QUEUE_LIMIT) {
      queue.poll();
      dropped++;
    }
    WatchEventsResponse.Builder response = WatchEventsResponse.newBuilder().setCameraId(message.cameraId());
    if (message.frame() != null) {
      response.setResult(LiveMapping.result(message.frame(), message.processed(), message.dropped(), message.skipped()));
    } else {
      response.setEvent(LiveMapping.event(message.event()));
    }
    queue.add(response.build());
    drain();
  }

  @Override
  public synchronized void cameraRemoved(String cameraId) {
    if (!closed) {
      drain();
      closed = true;
      queue.clear();
      unsubscribe.run();
      out.onCompleted();
    }
  }

  @Override
  public synchronized void serverStopping() {
    if (!closed) {
      closed = true;
      queue.clear();
      unsubscribe.run();
      out.onError(io.grpc.Status.UNAVAILABLE.withDescription("the server is shutting down; watch again in a moment")
          .asRuntimeException());
    }
  }

  private synchronized void drain() {
    while (!closed && !queue.isEmpty() && out.isReady()) {
      out.onNext(queue.poll().toBuilder().setDropped(dropped).build());
    }
  }

  private synchronized void close() {
    closed = true;
    queue.clear();
    unsubscribe.run();
  }
}
