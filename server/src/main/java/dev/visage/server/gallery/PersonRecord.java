package dev.visage.server.gallery;

import java.time.Instant;
import java.util.List;

/**
 * An enrolled person.
 *
 * @param faces the person's faces, oldest first; empty where only the summary was asked for
 */
public record PersonRecord(
    String personId, String displayName, int faceCount, Instant createTime, List<FaceRecord> faces) {}
