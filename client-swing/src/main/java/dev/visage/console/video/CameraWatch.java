package dev.visage.console.video;

import dev.visage.api.v1.CameraServiceGrpc;
import dev.visage.api.v1.FrameResult;
import dev.visage.api.v1.TrackedFace;
import dev.visage.api.v1.WatchEventsRequest;
import dev.visage.api.v1.WatchEventsResponse;
import dev.visage.console.connection.ErrorMessages;
import dev.visage.console.connection.ServerConnection;
import io.grpc.Context;
import io.grpc.stub.StreamObserver;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import javax.swing.SwingUtilities;

/**
 * Watches a camera the server reads itself. The server sends what it recognises, not the video
 * (it never passes images on), so the faces are drawn where they are in the camera's frame, on a
 * dark background, and the events go to the event log.
 */
public final class CameraWatch implements AutoCloseable {

  private final TripleBuffer display;
  private final Runnable repaint;
  private final LiveController.Listener listener;
  private final Context.CancellableContext context = Context.current().withCancellation();
  private volatile boolean showTrackIds;

  public CameraWatch(ServerConnection connection, String cameraId, String name, TripleBuffer display, Runnable repaint,
      LiveController.Listener listener) {
    this.display = display;
    this.repaint = repaint;
    this.listener = listener;
    context.run(() -> CameraServiceGrpc.newStub(connection.channel()).watchEvents(
        WatchEventsRequest.newBuilder().setCameraId(cameraId).build(), new StreamObserver<>() {
          private long frames;
          private long windowStart = System.nanoTime();

          @Override
          public void onNext(WatchEventsResponse response) {
            if (response.hasEvent()) {
              SwingUtilities.invokeLater(() -> listener.event(response.getEvent()));
              return;
            }
            FrameResult result = response.getResult();
            draw(result);
            frames++;
            long now = System.nanoTime();
            if (now - windowStart >= 500_000_000L) {
              double fps = frames * 1e9 / (now - windowStart);
              frames = 0;
              windowStart = now;
              LiveController.Stats stats = new LiveController.Stats("server camera " + name, fps,
                  result.getLatency().getNanos() / 1e6 + result.getLatency().getSeconds() * 1e3,
                  result.getDroppedFrames() + response.getDropped(), result.getFacesCount());
              SwingUtilities.invokeLater(() -> listener.stats(stats));
            }
          }

          @Override
          public void onError(Throwable error) {
            if (!context.isCancelled()) {
              SwingUtilities.invokeLater(() -> listener.stopped("Watching " + name + " stopped: " + ErrorMessages.describe(error)));
            }
          }

          @Override
          public void onCompleted() {
            SwingUtilities.invokeLater(() -> listener.stopped("the server camera " + name + " was removed"));
          }
        }));
  }

  public void setShowTrackIds(boolean show) {
    showTrackIds = show;
  }

  private void draw(FrameResult result) {
    int width = Math.max(16, result.getImage().getWidth());
    int height = Math.max(16, result.getImage().getHeight());
    BufferedImage image = display.back(width, height);
    Graphics2D g = image.createGraphics();
    try {
      g.setColor(new Color(0x1E, 0x1F, 0x22));
      g.fillRect(0, 0, width, height);
      for (TrackedFace face : result.getFacesList()) {
        Overlay.draw(g, new Overlay.Face(face.getFace().getBox(), face.hasIdentity() ? face.getIdentity() : null,
            face.getTrackId()), width, showTrackIds);
      }
    } finally {
      g.dispose();
    }
    display.publish();
    repaint.run();
  }

  @Override
  public void close() {
    context.cancel(null);
  }
}
