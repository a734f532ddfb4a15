package dev.visage.server.live;

import dev.visage.server.gallery.Gallery;
import dev.visage.server.recognition.FacePipeline;
import dev.visage.server.recognition.InvalidRequestException;
import dev.visage.server.recognition.MatchPolicy;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What every live stream and camera shares: the pipeline, the gallery, the decision policy, the
 * worker threads that process frames, and the count of open client streams.
 */
public final class LiveRecognition implements AutoCloseable {

  private final FacePipeline pipeline;
  private final Gallery gallery;
  private final MatchPolicy policy;
  private final LiveSettings settings;
  private final ExecutorService workers;
  private final ScheduledExecutorService timers;
  private final AtomicInteger openStreams = new AtomicInteger();
  private final AtomicInteger openSessions = new AtomicInteger();
  private final java.util.Set<Runnable> endOnShutdown = java.util.concurrent.ConcurrentHashMap.newKeySet();

  public LiveRecognition(FacePipeline pipeline, Gallery gallery, MatchPolicy policy, LiveSettings settings) {
    this.pipeline = pipeline;
    this.gallery = gallery;
    this.policy = policy;
    this.settings = settings;
    AtomicInteger threads = new AtomicInteger();
    this.workers = Executors.newFixedThreadPool(settings.workers(), task -> {
      Thread thread = new Thread(task, "visage-live-" + threads.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    });
    this.timers = Executors.newSingleThreadScheduledExecutor(task -> {
      Thread thread = new Thread(task, "visage-live-timer");
      thread.setDaemon(true);
      return thread;
    });
  }

  public FacePipeline pipeline() {
    return pipeline;
  }

  public LiveSettings settings() {
    return settings;
  }

  /** Runs frame processing. */
  public ExecutorService workers() {
    return workers;
  }

  public ScheduledExecutorService timers() {
    return timers;
  }

  /** Claims a stream slot; false when the server already runs its maximum of streams. */
  public boolean tryOpenStream() {
    if (openStreams.incrementAndGet() > settings.maxStreams()) {
      openStreams.decrementAndGet();
      return false;
    }
    return true;
  }

  public void streamClosed() {
    openStreams.decrementAndGet();
  }

  public int openStreams() {
    return openStreams.get();
  }

  /**
   * Registers what ends a long-lived stream when the server stops (streams never finish by
   * themselves, so shutdown ends them rather than waiting out its grace period).
   *
   * @return removes the registration
   */
  public Runnable onShutdown(Runnable end) {
    endOnShutdown.add(end);
    return () -> endOnShutdown.remove(end);
  }

  /** Ends every registered stream: the server is stopping. */
  public void endStreams() {
    List.copyOf(endOnShutdown).forEach(Runnable::run);
  }

  /**
   * Checks a stream's or camera's requested options and fills in the defaults.
   *
   * @param threshold null for the server's default
   * @param minDetectionScore null for the live default
   * @throws InvalidRequestException for a value out of range
   */
  public LiveOptions options(String name, Float threshold, Float minDetectionScore, float maxFps, boolean embedEveryFrame) {
    float score = minDetectionScore == null ? settings.defaultMinDetectionScore() : minDetectionScore;
    if (!(score >= 0f && score <= 1f)) {
      throw new InvalidRequestException("min_detection_score lies between 0 and 1, got " + score);
    }
    if (!(maxFps >= 0f && maxFps < 10_000f)) {
      throw new InvalidRequestException("max_fps is frames per second, 0 (no limit) or more, got " + maxFps);
    }
    return new LiveOptions(name, policy.thresholdFor(threshold), score, maxFps, embedEveryFrame);
  }

  public LiveSession newSession(LiveOptions options) {
    openSessions.incrementAndGet();
    return new LiveSession(pipeline, gallery, policy, settings.tracking(), options, openSessions::decrementAndGet);
  }

  /** Sessions created and not yet closed (streams and cameras): each holds tracks and buffers. */
  public int openSessions() {
    return openSessions.get();
  }

  @Override
  public void close() throws InterruptedException {
    timers.shutdownNow();
    workers.shutdown();
    if (!workers.awaitTermination(10, TimeUnit.SECONDS)) {
      workers.shutdownNow();
    }
  }
}
