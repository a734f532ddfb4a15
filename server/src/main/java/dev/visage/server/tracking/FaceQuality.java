package dev.visage.server.tracking;

import dev.visage.server.inference.FaceDetection;
import dev.visage.server.vision.Landmarks;

/**
 * How good a view of a face is, for deciding whether a new embedding may be better than the ones a
 * track already has: its size, the detector's confidence, and how frontal it is.
 *
 * @param size the box's shorter side, px
 * @param frontalness 1 for a face looking straight at the camera, falling towards 0 as it turns:
 *     one minus the imbalance of the nose's distances to the two eyes
 */
public record FaceQuality(float size, float score, float frontalness) {

  public static FaceQuality of(FaceDetection face) {
    Landmarks points = face.landmarks();
    double toRightEye = Math.hypot(points.x(Landmarks.NOSE_TIP) - points.x(Landmarks.RIGHT_EYE),
        points.y(Landmarks.NOSE_TIP) - points.y(Landmarks.RIGHT_EYE));
    double toLeftEye = Math.hypot(points.x(Landmarks.NOSE_TIP) - points.x(Landmarks.LEFT_EYE),
        points.y(Landmarks.NOSE_TIP) - points.y(Landmarks.LEFT_EYE));
    double total = toRightEye + toLeftEye;
    float frontal = total <= 0 ? 0f : (float) (1.0 - Math.abs(toRightEye - toLeftEye) / total);
    return new FaceQuality(face.box().shortSide(), face.score(), frontal);
  }

  /** Whether this view is clearly better than {@code best}: worth another embedding. */
  public boolean clearlyBetterThan(FaceQuality best) {
    return size >= best.size * 1.25f
        || frontalness >= best.frontalness + 0.1f
        || score >= best.score + 0.03f;
  }

  /** The better of two views in each respect. */
  public FaceQuality max(FaceQuality other) {
    return new FaceQuality(Math.max(size, other.size), Math.max(score, other.score),
        Math.max(frontalness, other.frontalness));
  }
}
