package dev.visage.server.camera;

import dev.visage.server.live.LiveEvent;
import dev.visage.server.live.LiveFrame;

/**
 * A camera's result or event, as watchers receive it. Exactly one of {@code frame} and
 * {@code event} is set; the counters are the camera's at the time.
 */
public record CameraMessage(String cameraId, LiveFrame frame, LiveEvent event, long processed, long dropped,
    long skipped) {}
