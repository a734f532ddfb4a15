package dev.visage.server.gallery;

import java.time.Instant;

/** An enrolled face (its vector stays in the gallery). */
public record FaceRecord(
    String faceId, String personId, Instant createTime, String modelId, FaceOrigin origin) {}
