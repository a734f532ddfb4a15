package dev.visage.server.camera;

import java.time.Instant;

/**
 * A camera and how it is doing.
 *
 * @param reason why it is not live, when it is not
 * @param retries failed attempts since it was last live
 * @param fps frames processed per second lately
 */
public record CameraStatus(CameraSpec spec, State state, String reason, int retries, Instant since, long processed,
    long dropped, float fps) {

  public enum State { CONNECTING, LIVE, FAILED, STOPPED }
}
