package dev.visage.server.camera;

import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_BGR24;

import dev.visage.server.live.FrameInfo;
import dev.visage.server.live.FrameMailbox;
import dev.visage.server.live.LiveEvent;
import dev.visage.server.live.LiveFrame;
import dev.visage.server.live.LiveRecognition;
import dev.visage.server.live.LiveSession;
import dev.visage.server.recognition.FacePipeline;
import dev.visage.server.vision.BgrImage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.OpenCVFrameConverter;
import org.bytedeco.opencv.opencv_core.Mat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads one camera and recognises what it sees.
 *
 * <p>A reading thread opens the source with FFmpeg and copies each frame into a pooled buffer,
 * which goes into a one-frame mailbox (the newest frame wins, as for client streams). The shared
 * live workers process the newest frame and publish its result and events to the hub. Files are
 * read at their own frame rate, as a camera would deliver them. A source that fails is reopened
 * after a pause that doubles with each failure (1 s up to 30 s); its status says why.
 */
final class CameraWorker {

  private static final Logger log = LoggerFactory.getLogger(CameraWorker.class);
  private static final long MAX_BACKOFF_MILLIS = 30_000;
  private static final String IO_TIMEOUT_MICROS = "5000000";

  private final CameraSpec spec;
  private final CameraUrl url;
  private final LiveRecognition live;
  private final EventHub hub;
  private final MatPool pool = new MatPool();
  private final FrameMailbox<Mat> mailbox;
  private final Thread reader;
  private final Object lock = new Object();

  // Guarded by lock.
  private LiveSession session;
  private boolean processing;
  private boolean resetTracks;
  private volatile boolean running = true;
  private CameraStatus.State state = CameraStatus.State.CONNECTING;
  private String reason = "";
  private int retries;
  private Instant since = Instant.now();
  private long processed;
  private long sequence;
  private long lastProcessedNanos;
  private double frameIntervalNanos;

  CameraWorker(CameraSpec spec, CameraUrl url, LiveRecognition live, EventHub hub) {
    this.spec = spec;
    this.url = url;
    this.live = live;
    this.hub = hub;
    this.mailbox = new FrameMailbox<Mat>(spec.maxFps(), pool::release).countInMetrics("camera", spec.name());
    this.session = live.newSession(live.options(spec.name(), spec.threshold(), null, spec.maxFps(), false));
    this.reader = Thread.ofPlatform().name("visage-camera-" + spec.id().substring(0, 8)).daemon().unstarted(this::read);
  }

  void start() {
    reader.start();
  }

  CameraSpec spec() {
    return spec;
  }

  CameraStatus status() {
    synchronized (lock) {
      float fps = frameIntervalNanos > 0 && System.nanoTime() - lastProcessedNanos < 5_000_000_000L
          ? (float) (1e9 / frameIntervalNanos) : 0f;
      return new CameraStatus(spec, state, reason, retries, since, processed, mailbox.dropped(), fps);
    }
  }

  /** Asks the reading thread to stop; a read in progress ends within FFmpeg's I/O timeout. */
  void requestStop() {
    running = false;
    reader.interrupt();
  }

  /** Stops reading, lets the frame in progress finish, ends the tracks and frees the buffers. */
  void stop() throws InterruptedException {
    requestStop();
    reader.join(TimeUnit.SECONDS.toMillis(15));
    mailbox.clear();
    synchronized (lock) {
      while (processing) {
        lock.wait(100);
      }
      if (session != null) {
        session.end(this::publishEvent);
        session.close();
        session = null;
      }
    }
    pool.close();
  }

  // ---- reading --------------------------------------------------------------------------------

  private void read() {
    int failures = 0;
    while (running) {
      setState(CameraStatus.State.CONNECTING, "", failures);
      try (FFmpegFrameGrabber grabber = open(); OpenCVFrameConverter.ToMat converter = new OpenCVFrameConverter.ToMat()) {
        grabber.start();
        boolean ended = readFrames(grabber, converter, failures);
        failures = 0;
        if (ended && !spec.loop()) {
          setState(CameraStatus.State.STOPPED, "the video file ended", 0);
          return;
        }
        // A looping file starts again; a network stream that ended is reconnected.
        synchronized (lock) {
          resetTracks = true;
        }
      } catch (Exception e) {
        if (!running) {
          return;
        }
        failures++;
        String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().strip();
        long pause = Math.min(MAX_BACKOFF_MILLIS, 1000L << Math.min(failures - 1, 15));
        setState(CameraStatus.State.FAILED, why + "; retrying in " + pause / 1000 + " s", failures);
        log.warn("Camera {} ({}) failed: {}; retrying in {} s", spec.name(), CameraUrl.masked(spec.url()), why, pause / 1000);
        synchronized (lock) {
          resetTracks = true;
        }
        try {
          Thread.sleep(pause);
        } catch (InterruptedException interrupted) {
          return;
        }
      }
    }
  }

  private FFmpegFrameGrabber open() {
    FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(url.source());
    grabber.setPixelFormat(AV_PIX_FMT_BGR24);
    switch (url.kind()) {
      case NETWORK -> grabber.setOptions(Map.of(
          "timeout", IO_TIMEOUT_MICROS, "rw_timeout", IO_TIMEOUT_MICROS, "rtsp_transport", "tcp"));
      case DEVICE -> grabber.setFormat("video4linux2");
      case FILE -> { }
    }
    return grabber;
  }

  /** Reads until the source ends (true) or the camera is stopped (false). */
  private boolean readFrames(FFmpegFrameGrabber grabber, OpenCVFrameConverter.ToMat converter, int failures)
      throws Exception {
    long startNanos = System.nanoTime();
    long firstTimestamp = Long.MIN_VALUE;
    boolean flowing = false;
    while (running) {
      Frame frame = grabber.grabImage();
      if (frame == null) {
        return true;
      }
      if (!flowing) {
        flowing = true;
        setState(CameraStatus.State.LIVE, "", 0);
      }
      if (url.kind() == CameraUrl.Kind.FILE) {
        // Deliver a file's frames at the pace they were recorded, as a camera would.
        if (firstTimestamp == Long.MIN_VALUE) {
          firstTimestamp = frame.timestamp;
        }
        long due = startNanos + TimeUnit.MICROSECONDS.toNanos(frame.timestamp - firstTimestamp);
        long wait = due - System.nanoTime();
        if (wait > 0) {
          TimeUnit.NANOSECONDS.sleep(wait);
        }
      }
      Mat decoded = converter.convert(frame);
      if (decoded == null || decoded.empty()) {
        continue;
      }
      Mat copy = pool.acquire();
      decoded.copyTo(copy); // the grabber reuses its buffer for the next frame
      if (mailbox.offer(copy, System.nanoTime())) {
        startProcessingIfIdle();
      }
    }
    return false;
  }

  private void setState(CameraStatus.State newState, String why, int failures) {
    synchronized (lock) {
      if (state != newState) {
        since = Instant.now();
        log.info("Camera {} is {}{}", spec.name(), newState.name().toLowerCase(java.util.Locale.ROOT),
            why.isEmpty() ? "" : ": " + why);
      }
      state = newState;
      reason = why;
      retries = failures;
    }
  }

  // ---- processing -----------------------------------------------------------------------------

  private void startProcessingIfIdle() {
    synchronized (lock) {
      if (!processing && running && mailbox.hasWaiting()) {
        processing = true;
        live.workers().execute(this::processOne);
      }
    }
  }

  private void processOne() {
    Mat frame = mailbox.take();
    LiveSession current;
    long frameNumber;
    synchronized (lock) {
      current = session;
      frameNumber = sequence++;
      if (frame == null || current == null) {
        if (frame != null) {
          pool.release(frame);
        }
        processing = false;
        lock.notifyAll();
        return;
      }
      if (resetTracks) {
        resetTracks = false;
        current.end(this::publishEvent);
      }
    }
    long arrival = System.nanoTime();
    List<LiveEvent> events = new ArrayList<>();
    LiveFrame result = null;
    try (FacePipeline.Image image = live.pipeline().borrow(new BgrImage(frame))) {
      result = current.process(image, new FrameInfo(frameNumber, Instant.now(), arrival), events::add);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      log.error("Camera {}: a frame could not be processed", spec.name(), e);
    } finally {
      pool.release(frame);
    }
    synchronized (lock) {
      processing = false;
      if (result != null) {
        processed++;
        mailbox.countProcessed();
        long now = System.nanoTime();
        if (lastProcessedNanos > 0) {
          double interval = now - lastProcessedNanos;
          frameIntervalNanos = frameIntervalNanos == 0 ? interval : 0.9 * frameIntervalNanos + 0.1 * interval;
        }
        lastProcessedNanos = now;
        events.forEach(this::publishEvent);
        hub.publish(new CameraMessage(spec.id(), result, null, processed, mailbox.dropped(), mailbox.skipped()));
      }
      lock.notifyAll();
    }
    startProcessingIfIdle();
  }

  private void publishEvent(LiveEvent event) {
    hub.publish(new CameraMessage(spec.id(), null, event, processed, mailbox.dropped(), mailbox.skipped()));
  }
}
