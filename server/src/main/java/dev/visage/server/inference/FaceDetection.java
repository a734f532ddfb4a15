package dev.visage.server.inference;

import dev.visage.server.vision.Box;
import dev.visage.server.vision.Landmarks;

/**
 * A face found by the detector, in the coordinates of the image it was found in.
 *
 * @param score the detector's confidence, 0 to 1
 */
public record FaceDetection(Box box, Landmarks landmarks, float score) {

  public FaceDetection scaled(float factor) {
    return new FaceDetection(box.scaled(factor), landmarks.scaled(factor), score);
  }
}
