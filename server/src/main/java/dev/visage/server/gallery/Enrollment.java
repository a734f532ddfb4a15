package dev.visage.server.gallery;

import java.util.List;

/** The result of adding faces: the person as they now are, and the new faces' ids in order. */
public record Enrollment(PersonRecord person, List<String> faceIds) {}
