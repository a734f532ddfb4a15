package dev.visage.server.gallery;

import java.time.Instant;
import java.util.List;

/** A person brought in whole (from an export, a backup, a benchmark), ids and times kept. */
public record ImportedPerson(String personId, String displayName, Instant createTime, List<ImportedFace> faces) {

  /** A face brought in with its id, vector, origin and time. */
  public record ImportedFace(String faceId, float[] vector, FaceOrigin origin, Instant createTime) {}
}
