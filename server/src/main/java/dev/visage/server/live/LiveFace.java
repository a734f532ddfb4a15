package dev.visage.server.live;

import dev.visage.server.gallery.PersonMatch;
import dev.visage.server.inference.FaceDetection;
import java.util.Optional;

/** A face in a processed frame and what its track knows. */
public record LiveFace(long trackId, FaceDetection detection, Optional<PersonMatch> identity, float confidence,
    int embeddings) {}
