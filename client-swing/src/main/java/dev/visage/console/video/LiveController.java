package dev.visage.console.video;

import static org.bytedeco.opencv.global.opencv_imgcodecs.imencode;

import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import dev.visage.api.v1.Frame;
import dev.visage.api.v1.FrameKind;
import dev.visage.api.v1.FrameResult;
import dev.visage.api.v1.Image;
import dev.visage.api.v1.RecognitionServiceGrpc;
import dev.visage.api.v1.RecognizeRequest;
import dev.visage.api.v1.RecognizeResponse;
import dev.visage.api.v1.StreamConfig;
import dev.visage.api.v1.TrackEvent;
import dev.visage.api.v1.TrackedFace;
import dev.visage.console.connection.ErrorMessages;
import dev.visage.console.connection.ServerConnection;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import javax.swing.SwingUtilities;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Shows a local source live with recognition over it.
 *
 * <p>One capture thread does all the per-frame work, never the Swing thread: it grabs a frame,
 * encodes it as JPEG, sends it on the Recognize stream if the stream can take it (otherwise the
 * frame is skipped: the newest frame wins, no backlog builds up when the server or the network is
 * slower than the camera), and composes the frame with the latest result's boxes into a reusable
 * image that the video panel only has to paint. When the server is unreachable the video keeps
 * playing and the stream is reopened every two seconds.
 */
public final class LiveController implements AutoCloseable {

  /** Hears about the live view, on the Swing event thread. */
  public interface Listener {
    void stats(Stats stats);

    void event(TrackEvent event);

    /** A problem to show, or null when it is over. */
    void problem(String message);

    /** The live view stopped (the source ended or could not be opened). */
    void stopped(String why);
  }

  /**
   * @param latencyMs round trip from sending a frame to its result, smoothed
   * @param dropped frames not sent because the stream was busy, plus those the server dropped
   */
  public record Stats(String source, double fps, double latencyMs, long dropped, int faces) {}

  private static final long RESULT_FRESH_NANOS = 1_000_000_000L;
  private static final long RECONNECT_NANOS = 2_000_000_000L;

  private record Received(FrameResult result, long nanos) {}

  private final ServerConnection connection;
  private final TripleBuffer display;
  private final Runnable repaint;
  private final Listener listener;
  private final AtomicReference<byte[]> latestJpeg = new AtomicReference<>();
  private final AtomicReference<Received> latestResult = new AtomicReference<>();
  private final Map<Long, Long> sentAt = new ConcurrentHashMap<>();
  private volatile boolean showTrackIds;
  private volatile boolean running;
  private volatile ClientCallStreamObserver<RecognizeRequest> stream;
  private volatile double latencyMs;
  private Thread capture;
  private long localDrops;
  private long nextReconnect;

  public LiveController(ServerConnection connection, TripleBuffer display, Runnable repaint, Listener listener) {
    this.connection = connection;
    this.display = display;
    this.repaint = repaint;
    this.listener = listener;
  }

  public synchronized void start(FrameSource source) {
    stop();
    running = true;
    capture = Thread.ofPlatform().name("console-capture").daemon().start(() -> run(source));
  }

  public synchronized void stop() {
    running = false;
    if (capture != null) {
      capture.interrupt();
      try {
        capture.join(5000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      capture = null;
    }
  }

  public boolean running() {
    return running;
  }

  /** The latest frame as JPEG, for capturing enrollment shots; null before the first frame. */
  public byte[] latestJpeg() {
    return latestJpeg.get();
  }

  public void setShowTrackIds(boolean show) {
    showTrackIds = show;
  }

  private void run(FrameSource source) {
    try (source; BytePointer jpeg = new BytePointer()) {
      source.open();
      openStream();
      long sequence = 0;
      long windowStart = System.nanoTime();
      int windowFrames = 0;
      double fps = 0;
      while (running) {
        Mat frame = source.grab();
        if (frame == null) {
          finish("the source has ended");
          return;
        }
        long now = System.nanoTime();
        imencode(".jpg", frame, jpeg);
        byte[] bytes = new byte[(int) jpeg.limit()];
        jpeg.get(bytes);
        latestJpeg.set(bytes);
        send(sequence++, bytes, now);
        compose(frame, now);

        windowFrames++;
        if (now - windowStart >= 500_000_000L) {
          fps = windowFrames * 1e9 / (now - windowStart);
          windowStart = now;
          windowFrames = 0;
          Received received = latestResult.get();
          long serverDrops = received == null ? 0 : received.result().getDroppedFrames();
          int faces = received == null || now - received.nanos() > RESULT_FRESH_NANOS ? 0 : received.result().getFacesCount();
          Stats stats = new Stats(source.describe(), fps, latencyMs, localDrops + serverDrops, faces);
          SwingUtilities.invokeLater(() -> listener.stats(stats));
        }
      }
    } catch (InterruptedException e) {
      // Stopped.
    } catch (Exception e) {
      finish(source.describe() + " cannot be shown: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
      return;
    } finally {
      closeStream();
    }
    SwingUtilities.invokeLater(() -> listener.stopped("stopped"));
  }

  private void finish(String why) {
    running = false;
    SwingUtilities.invokeLater(() -> listener.stopped(why));
  }

  // ---- the Recognize stream -------------------------------------------------------------------

  private void send(long sequence, byte[] jpeg, long now) {
    ClientCallStreamObserver<RecognizeRequest> current = stream;
    if (current == null) {
      if (now >= nextReconnect) {
        openStream();
      }
      return;
    }
    if (!current.isReady()) {
      localDrops++;
      return;
    }
    Instant captured = Instant.now();
    sentAt.put(sequence, now);
    current.onNext(RecognizeRequest.newBuilder().setFrame(Frame.newBuilder()
        .setSequence(sequence)
        .setCaptureTime(Timestamp.newBuilder().setSeconds(captured.getEpochSecond()).setNanos(captured.getNano()))
        .setImage(Image.newBuilder().setEncoded(ByteString.copyFrom(jpeg)))).build());
  }

  private void openStream() {
    nextReconnect = System.nanoTime() + RECONNECT_NANOS;
    Responses responses = new Responses();
    ClientCallStreamObserver<RecognizeRequest> opened = (ClientCallStreamObserver<RecognizeRequest>)
        RecognitionServiceGrpc.newStub(connection.channel()).recognize(responses);
    opened.onNext(RecognizeRequest.newBuilder().setConfig(StreamConfig.newBuilder()
        .setName("console").setFrameKind(FrameKind.FRAME_KIND_ENCODED)).build());
    stream = opened;
    if (responses.ended) {
      stream = null; // it failed before it was even in place
    }
  }

  /** What comes back on one Recognize stream. */
  private final class Responses implements ClientResponseObserver<RecognizeRequest, RecognizeResponse> {
    private ClientCallStreamObserver<RecognizeRequest> requests;
    private volatile boolean ended;

    @Override
    public void beforeStart(ClientCallStreamObserver<RecognizeRequest> requestStream) {
      requests = requestStream;
    }

    @Override
    public void onNext(RecognizeResponse response) {
      if (response.hasResult()) {
        FrameResult result = response.getResult();
        long now = System.nanoTime();
        Long sent = sentAt.remove(result.getSequence());
        if (sent != null) {
          double measured = (now - sent) / 1e6;
          latencyMs = latencyMs == 0 ? measured : 0.8 * latencyMs + 0.2 * measured;
        }
        sentAt.keySet().removeIf(sequence -> sequence < result.getSequence());
        latestResult.set(new Received(result, now));
        SwingUtilities.invokeLater(() -> listener.problem(null));
      } else if (response.hasEvent()) {
        TrackEvent event = response.getEvent();
        SwingUtilities.invokeLater(() -> listener.event(event));
      }
    }

    @Override
    public void onError(Throwable error) {
      ended = true;
      if (stream == requests) {
        stream = null;
      }
      if (running) {
        String message = "Live recognition paused: " + ErrorMessages.describe(error);
        SwingUtilities.invokeLater(() -> listener.problem(message));
      }
    }

    @Override
    public void onCompleted() {
      ended = true;
      if (stream == requests) {
        stream = null;
      }
    }
  }

  private void closeStream() {
    ClientCallStreamObserver<RecognizeRequest> current = stream;
    stream = null;
    if (current != null) {
      try {
        current.onCompleted();
      } catch (RuntimeException alreadyClosed) {
        // The stream failed meanwhile.
      }
    }
  }

  // ---- display --------------------------------------------------------------------------------

  private void compose(Mat frame, long now) {
    Mat pixels = frame.isContinuous() ? frame : frame.clone();
    try {
      BufferedImage image = display.back(pixels.cols(), pixels.rows());
      pixels.data().get(((DataBufferByte) image.getRaster().getDataBuffer()).getData());
      Received received = latestResult.get();
      if (received != null && now - received.nanos() <= RESULT_FRESH_NANOS) {
        Graphics2D g = image.createGraphics();
        try {
          for (TrackedFace face : received.result().getFacesList()) {
            Overlay.draw(g, new Overlay.Face(face.getFace().getBox(), face.hasIdentity() ? face.getIdentity() : null,
                face.getTrackId()), image.getWidth(), showTrackIds);
          }
        } finally {
          g.dispose();
        }
      }
      display.publish();
      repaint.run();
    } finally {
      if (pixels != frame) {
        pixels.close();
      }
    }
  }

  @Override
  public void close() {
    stop();
  }
}
