package dev.visage.server.live;

import java.time.Instant;

/**
 * Where a frame sits in its stream.
 *
 * @param sequence the sender's frame number
 * @param captureTime when it was captured, if the sender said
 * @param arrivalNanos {@link System#nanoTime()} when it reached the server
 */
public record FrameInfo(long sequence, Instant captureTime, long arrivalNanos) {}
