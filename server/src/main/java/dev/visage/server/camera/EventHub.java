package dev.visage.server.camera;

import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Hands every camera message to the watchers that asked for it. A watcher must take a message
 * without blocking (it queues or drops it): a slow watcher never slows a camera or other watchers.
 */
public final class EventHub {

  /** Receives messages; must not block. */
  public interface Watcher {
    void offer(CameraMessage message);

    /** The camera being watched is gone. */
    void cameraRemoved(String cameraId);

    /** The server is stopping: end the watch. */
    void serverStopping();
  }

  private record Subscription(String cameraId, Watcher watcher) {}

  private final CopyOnWriteArrayList<Subscription> subscriptions = new CopyOnWriteArrayList<>();

  /** @param cameraId the camera to watch, or empty for all */
  public Runnable subscribe(String cameraId, Watcher watcher) {
    Subscription subscription = new Subscription(cameraId, watcher);
    subscriptions.add(subscription);
    return () -> subscriptions.remove(subscription);
  }

  void publish(CameraMessage message) {
    for (Subscription subscription : subscriptions) {
      if (subscription.cameraId().isEmpty() || subscription.cameraId().equals(message.cameraId())) {
        subscription.watcher().offer(message);
      }
    }
  }

  void cameraRemoved(String cameraId) {
    for (Subscription subscription : subscriptions) {
      if (subscription.cameraId().equals(cameraId)) {
        subscription.watcher().cameraRemoved(cameraId);
      }
    }
  }

  /** Ends every watch: the server is stopping. */
  public void close() {
    for (Subscription subscription : subscriptions) {
      subscription.watcher().serverStopping();
    }
  }

  public int watchers() {
    return subscriptions.size();
  }
}
