package dev.visage.server.api;

import dev.visage.api.v1.Frame;
import dev.visage.api.v1.FrameKind;
import dev.visage.api.v1.RecognizeRequest;
import dev.visage.api.v1.RecognizeResponse;
import dev.visage.api.v1.StreamConfig;
import dev.visage.server.live.FrameInfo;
import dev.visage.server.live.FrameMailbox;
import dev.visage.server.live.LiveEvent;
import dev.visage.server.live.LiveFrame;
import dev.visage.server.live.LiveRecognition;
import dev.visage.server.live.LiveSession;
import dev.visage.server.recognition.FacePipeline;
import dev.visage.server.recognition.InvalidRequestException;
import dev.visage.server.vision.ImageInput;
import dev.visage.server.vision.ImageRejectedException;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Recognize call: a configuration, then frames in; results and track events out.
 *
 * <p>Flow control is explicit on both sides. Inbound, the next message is requested only once the
 * previous one is handled; handling a frame is just putting it in the stream's one-frame mailbox,
 * where a newer frame replaces an older one (counted as dropped). Outbound, messages are written
 * only while the transport is ready; while the client is not reading, undelivered messages pile up
 * to a small limit and then processing pauses, so frames keep being replaced in the mailbox
 * instead of results growing in memory. When the client reads again, the newest frame is
 * processed and the stream carries on.
 *
 * <p>All state is guarded by one lock; the transport's callbacks and the frame-processing worker
 * both take it, so the response observer is never called concurrently.
 */
final class RecognizeStream implements StreamObserver<RecognizeRequest> {

  private static final Logger log = LoggerFactory.getLogger(RecognizeStream.class);
  private static final AtomicLong STREAM_NUMBERS = new AtomicLong();

  /** Undelivered messages at which processing pauses until the client reads. */
  static final int OUTBOUND_LIMIT = 16;

  /** Bytes the transport may buffer for this stream before it stops being ready. */
  static final int TRANSPORT_BUFFER = 16 * 1024;

  /** A frame as it arrived, waiting in the mailbox. */
  private record Pending(Frame frame, long arrivalNanos) {}

  private final ServerCallStreamObserver<RecognizeResponse> out;
  private final LiveRecognition live;
  private final Object lock = new Object();
  private final ArrayDeque<RecognizeResponse> outbound = new ArrayDeque<>();
  private final String defaultName = "stream-" + STREAM_NUMBERS.incrementAndGet();
  private ScheduledFuture<?> configTimeout;
  private Runnable unregisterShutdown = () -> { };
  private LiveSession session;
  private FrameMailbox<Pending> mailbox;
  private FrameKind kind = FrameKind.FRAME_KIND_UNSPECIFIED;
  private long processed;
  private boolean processing;
  private boolean halfClosed;
  private boolean tracksEnded;
  private boolean finished;

  private RecognizeStream(ServerCallStreamObserver<RecognizeResponse> out, LiveRecognition live) {
    this.out = out;
    this.live = live;
  }

  /** Starts a stream on a new call, or refuses it when the server runs its maximum of streams. */
  static StreamObserver<RecognizeRequest> open(StreamObserver<RecognizeResponse> responses, LiveRecognition live) {
    ServerCallStreamObserver<RecognizeResponse> out = (ServerCallStreamObserver<RecognizeResponse>) responses;
    if (!live.tryOpenStream()) {
      out.onError(Status.RESOURCE_EXHAUSTED.withDescription("the server already runs its maximum of "
          + live.settings().maxStreams() + " streams; close one or retry later").asRuntimeException());
      return new StreamObserver<>() {
        @Override
        public void onNext(RecognizeRequest value) {}

        @Override
        public void onError(Throwable t) {}

        @Override
        public void onCompleted() {}
      };
    }
    RecognizeStream stream = new RecognizeStream(out, live);
    out.disableAutoRequest();
    out.setOnReadyThreshold(TRANSPORT_BUFFER);
    out.setOnReadyHandler(stream::onReady);
    out.setOnCancelHandler(stream::abandoned);
    stream.unregisterShutdown = live.onShutdown(stream::serverStopping);
    long timeout = live.settings().configTimeout().toMillis();
    stream.configTimeout = live.timers().schedule(stream::configMissing, timeout, TimeUnit.MILLISECONDS);
    out.request(1);
    return stream;
  }

  // ---- inbound --------------------------------------------------------------------------------

  @Override
  public void onNext(RecognizeRequest request) {
    synchronized (lock) {
      if (finished) {
        return;
      }
      switch (request.getMessageCase()) {
        case CONFIG -> configure(request.getConfig());
        case FRAME -> accept(request.getFrame());
        case MESSAGE_NOT_SET -> fail(Status.INVALID_ARGUMENT.withDescription(
            "an empty RecognizeRequest: send a StreamConfig first, then Frames"));
      }
      if (!finished) {
        out.request(1);
      }
    }
  }

  private void configure(StreamConfig config) {
    if (session != null) {
      fail(Status.FAILED_PRECONDITION.withDescription("the stream is already configured; send StreamConfig once, first"));
      return;
    }
    String name = config.getName().isBlank() ? defaultName : RequestValidation.displayName("config.name", config.getName());
    try {
      session = live.newSession(live.options(name,
          config.hasThreshold() ? config.getThreshold() : null,
          config.hasMinDetectionScore() ? config.getMinDetectionScore() : null,
          config.getMaxFps(), config.getEmbedEveryFrame()));
    } catch (InvalidRequestException e) {
      fail(Status.INVALID_ARGUMENT.withDescription("config: " + e.getMessage()));
      return;
    }
    if (config.getFrameKind() == FrameKind.UNRECOGNIZED) {
      fail(Status.INVALID_ARGUMENT.withDescription("config.frame_kind is not a FrameKind value"));
      return;
    }
    kind = config.getFrameKind();
    mailbox = new FrameMailbox<Pending>(config.getMaxFps()).countInMetrics("stream", config.getName());
    configTimeout.cancel(false);
    log.debug("Stream {} configured: {}", name, session.options());
  }

  private void accept(Frame frame) {
    if (session == null) {
      fail(Status.FAILED_PRECONDITION.withDescription("a frame arrived before the StreamConfig; send the config first"));
      return;
    }
    if (mailbox.offer(new Pending(frame, System.nanoTime()), System.nanoTime())) {
      startProcessingIfIdle();
    }
  }

  @Override
  public void onCompleted() {
    synchronized (lock) {
      halfClosed = true;
      if (session == null && !finished) {
        finished = true;
        out.onCompleted();
        release();
        return;
      }
      finishIfDone();
    }
  }

  @Override
  public void onError(Throwable error) {
    abandoned();
  }

  private void serverStopping() {
    synchronized (lock) {
      fail(Status.UNAVAILABLE.withDescription("the server is shutting down; reconnect in a moment"));
    }
  }

  /** The client cancelled or vanished: drop everything at once. */
  private void abandoned() {
    synchronized (lock) {
      if (!finished) {
        finished = true;
        release();
      }
    }
  }

  private void configMissing() {
    synchronized (lock) {
      if (session == null && !finished) {
        fail(Status.DEADLINE_EXCEEDED.withDescription("no StreamConfig arrived within "
            + live.settings().configTimeout().toSeconds() + " s; send it as the first message"));
      }
    }
  }

  // ---- processing -----------------------------------------------------------------------------

  /** Hands the waiting frame to a worker, unless one is busy or the client is not reading. */
  private void startProcessingIfIdle() {
    if (!processing && !finished && mailbox != null && mailbox.hasWaiting() && outbound.size() < OUTBOUND_LIMIT) {
      processing = true;
      live.workers().execute(this::processOne);
    }
  }

  private void processOne() {
    Pending pending;
    LiveSession current;
    synchronized (lock) {
      pending = finished ? null : mailbox.take();
      current = session;
      if (pending == null) {
        processing = false;
        closeSessionIfDone();
        finishIfDone();
        return;
      }
    }
    List<LiveEvent> events = new ArrayList<>();
    LiveFrame result;
    FrameInfo info = new FrameInfo(pending.frame().getSequence(), captureTime(pending.frame()), pending.arrivalNanos());
    try {
      result = process(current, pending.frame(), info, events);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      synchronized (lock) {
        processing = false;
        fail(Status.UNAVAILABLE.withDescription("the server is shutting down"));
        closeSessionIfDone();
      }
      return;
    } catch (RuntimeException e) {
      Status status = ApiErrors.toStatus("Recognize", e);
      synchronized (lock) {
        processing = false;
        fail(status);
        closeSessionIfDone();
      }
      return;
    }
    synchronized (lock) {
      processing = false;
      if (finished) {
        closeSessionIfDone();
        return;
      }
      processed++;
      mailbox.countProcessed();
      for (LiveEvent event : events) {
        outbound.add(RecognizeResponse.newBuilder().setEvent(LiveMapping.event(event)).build());
      }
      outbound.add(RecognizeResponse.newBuilder()
          .setResult(LiveMapping.result(result, processed, mailbox.dropped(), mailbox.skipped())).build());
      drain();
      startProcessingIfIdle();
      finishIfDone();
    }
  }

  /** Decodes and recognises one frame; a frame the server cannot use becomes a result with an error. */
  private LiveFrame process(LiveSession current, Frame frame, FrameInfo info, List<LiveEvent> events)
      throws InterruptedException {
    String problem;
    try {
      ImageInput input = frameInput(frame);
      try (FacePipeline.Image image = live.pipeline().open(input)) {
        return current.process(image, info, events::add);
      }
    } catch (ImageRejectedException e) {
      problem = e.getMessage();
    } catch (InvalidRequestException | io.grpc.StatusRuntimeException e) {
      problem = e instanceof io.grpc.StatusRuntimeException status ? status.getStatus().getDescription() : e.getMessage();
    }
    return new LiveFrame(info, 0, 0, List.of(), System.nanoTime() - info.arrivalNanos(),
        String.format(Locale.ROOT, "frame %d: %s", frame.getSequence(), problem), 0);
  }

  private ImageInput frameInput(Frame frame) {
    if (!frame.hasImage()) {
      throw new InvalidRequestException("the frame has no image");
    }
    boolean raw = frame.getImage().hasRaw();
    if (kind == FrameKind.FRAME_KIND_ENCODED && raw || kind == FrameKind.FRAME_KIND_RAW && !raw) {
      throw new InvalidRequestException("this stream carries " + (raw ? "encoded" : "raw") + " frames (its config says "
          + kind + ") and this frame is " + (raw ? "raw" : "encoded"));
    }
    return ProtoMapping.imageInput("frame.image", frame.getImage());
  }

  private static Instant captureTime(Frame frame) {
    return frame.hasCaptureTime()
        ? Instant.ofEpochSecond(frame.getCaptureTime().getSeconds(), frame.getCaptureTime().getNanos())
        : null;
  }

  // ---- outbound -------------------------------------------------------------------------------

  private void onReady() {
    synchronized (lock) {
      drain();
      startProcessingIfIdle();
      finishIfDone();
    }
  }

  private void drain() {
    while (!finished && !outbound.isEmpty() && out.isReady()) {
      out.onNext(outbound.poll());
    }
  }

  /** After the client's half-close and the last frame, ends the tracks and completes the call. */
  private void finishIfDone() {
    if (finished || !halfClosed || processing || (mailbox != null && mailbox.hasWaiting())) {
      return;
    }
    if (!tracksEnded) {
      tracksEnded = true;
      session.end(event -> outbound.add(RecognizeResponse.newBuilder().setEvent(LiveMapping.event(event)).build()));
      drain();
    }
    if (outbound.isEmpty()) {
      finished = true;
      out.onCompleted();
      release();
    }
  }

  private void fail(Status status) {
    if (finished) {
      return;
    }
    finished = true;
    try {
      out.onError(status.asRuntimeException());
    } catch (RuntimeException alreadyGone) {
      // The call was cancelled meanwhile.
    }
    release();
  }

  /**
   * Frees what the stream holds: its slot, its waiting frame, its messages and tracks. A frame being
   * processed keeps the session until the worker is done with it.
   */
  private void release() {
    if (configTimeout != null) {
      configTimeout.cancel(false);
    }
    if (mailbox != null) {
      mailbox.clear();
    }
    outbound.clear();
    closeSessionIfDone();
    unregisterShutdown.run();
    live.streamClosed();
  }

  /** Closes the session once the stream is over and no worker is using it. */
  private void closeSessionIfDone() {
    if (finished && !processing && session != null) {
      session.close();
      session = null;
    }
  }
}
