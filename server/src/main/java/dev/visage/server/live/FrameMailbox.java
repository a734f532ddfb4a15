package dev.visage.server.live;

import dev.visage.server.metrics.Metrics;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;

/**
 * Holds the newest frame waiting to be processed: a frame that arrives while another waits replaces
 * it, and the replaced one is counted as dropped. Frames arriving faster than the stream's frame
 * rate limit are skipped and counted. So a stream never holds more than one waiting frame, however
 * fast it is fed. Thread-safe.
 *
 * @param <F> the frame
 */
public final class FrameMailbox<F> {

  private final long minIntervalNanos;
  private final java.util.function.Consumer<F> discard;
  private F waiting;
  private long lastAcceptedNanos = Long.MIN_VALUE;
  private long dropped;
  private long skipped;
  private CounterDataPoint processedMetric;
  private CounterDataPoint droppedMetric;
  private CounterDataPoint skippedMetric;

  /** @param maxFps 0 for no limit */
  public FrameMailbox(float maxFps) {
    this(maxFps, frame -> { });
  }

  /**
   * @param maxFps 0 for no limit
   * @param discard receives each frame that is replaced, skipped or cleared away (to reuse or free it)
   */
  public FrameMailbox(float maxFps, java.util.function.Consumer<F> discard) {
    this.minIntervalNanos = maxFps > 0 ? (long) (1e9 / maxFps) : 0;
    this.discard = discard;
  }

  /**
   * Counts this mailbox's frames in the metrics ({@code visage_frames_total}) too.
   *
   * @param source "stream" or "camera"
   * @param name the stream's or camera's name
   */
  public synchronized FrameMailbox<F> countInMetrics(String source, String name) {
    String label = name == null || name.isBlank() ? "unnamed" : name;
    processedMetric = Metrics.FRAMES.labelValues(source, label, "processed");
    droppedMetric = Metrics.FRAMES.labelValues(source, label, "dropped");
    skippedMetric = Metrics.FRAMES.labelValues(source, label, "skipped");
    return this;
  }

  /** Counts a frame that was processed (in the metrics; the owner keeps its own count). */
  public synchronized void countProcessed() {
    if (processedMetric != null) {
      processedMetric.inc();
    }
  }

  /** Offers a frame that arrived at {@code nanos}; returns false if it was skipped for the rate. */
  public synchronized boolean offer(F frame, long nanos) {
    if (minIntervalNanos > 0 && lastAcceptedNanos != Long.MIN_VALUE && nanos - lastAcceptedNanos < minIntervalNanos) {
      skipped++;
      if (skippedMetric != null) {
        skippedMetric.inc();
      }
      discard.accept(frame);
      return false;
    }
    lastAcceptedNanos = nanos;
    if (waiting != null) {
      countDropped();
      discard.accept(waiting);
    }
    waiting = frame;
    return true;
  }

  /** Takes the waiting frame, or null. */
  public synchronized F take() {
    F frame = waiting;
    waiting = null;
    return frame;
  }

  public synchronized boolean hasWaiting() {
    return waiting != null;
  }

  /** Empties the mailbox (the stream is gone). */
  public synchronized void clear() {
    if (waiting != null) {
      discard.accept(waiting);
      waiting = null;
    }
  }

  /** Counts a frame lost after it was taken (its result could not be delivered). */
  public synchronized void countDropped() {
    dropped++;
    if (droppedMetric != null) {
      droppedMetric.inc();
    }
  }

  public synchronized long dropped() {
    return dropped;
  }

  public synchronized long skipped() {
    return skipped;
  }
}
