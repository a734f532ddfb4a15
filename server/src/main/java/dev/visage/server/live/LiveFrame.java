package dev.visage.server.live;

import java.util.List;

/**
 * One processed frame: its faces, or why it could not be processed.
 *
 * @param latencyNanos from the frame's arrival to this result
 * @param error empty, or what was wrong with the frame
 * @param embeddings how many faces were embedded for this frame
 */
public record LiveFrame(FrameInfo frame, int width, int height, List<LiveFace> faces, long latencyNanos,
    String error, int embeddings) {}
