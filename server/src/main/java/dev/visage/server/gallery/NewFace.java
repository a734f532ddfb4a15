package dev.visage.server.gallery;

/**
 * A face to enroll: its unit-length vector and where it was found in its photo.
 *
 * @param vector unit length, {@link Gallery#dimension()} values
 */
public record NewFace(float[] vector, FaceOrigin origin) {}
