package dev.visage.server.live;

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

  /** Offers a frame that arrived at {@code nanos}; returns false if it was skipped for the rate. */
  public synchronized boolean offer(F frame, long nanos) {
    if (minIntervalNanos > 0 && lastAcceptedNanos != Long.MIN_VALUE && nanos - lastAcceptedNanos < minIntervalNanos) {
      skipped++;
      discard.accept(frame);
      return false;
    }
    lastAcceptedNanos = nanos;
    if (waiting != null) {
      dropped++;
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
  }

  public synchronized long dropped() {
    return dropped;
  }

  public synchronized long skipped() {
    return skipped;
  }
}
