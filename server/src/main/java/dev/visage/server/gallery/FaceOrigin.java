package dev.visage.server.gallery;

/**
 * Where an enrolled face was in the photo it came from. The photo itself is never kept.
 *
 * @param landmarks the five landmarks, x0, y0, ... x4, y4
 * @param score the detector's confidence
 */
public record FaceOrigin(float x, float y, float width, float height, float[] landmarks, float score) {

  public static final int LANDMARK_VALUES = 10;

  public FaceOrigin {
    if (landmarks.length != LANDMARK_VALUES) {
      throw new IllegalArgumentException("five landmarks need 10 values, got " + landmarks.length);
    }
    landmarks = landmarks.clone();
  }

  @Override
  public float[] landmarks() {
    return landmarks.clone();
  }
}
