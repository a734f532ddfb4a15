package dev.visage.server.recognition;

/**
 * What a face must be like to be enrolled: a gallery full of tiny or doubtful faces makes every
 * later identification worse.
 *
 * @param minFaceSize the face box's shorter side, in pixels of the photo
 * @param minDetectionScore the detector's confidence
 * @param searchFloor faces down to this score are looked for, so that a doubtful face is reported
 *     as such rather than as "no face"
 */
public record EnrollmentPolicy(float minFaceSize, float minDetectionScore, float searchFloor) {

  public static final EnrollmentPolicy DEFAULT = new EnrollmentPolicy(48f, 0.9f, 0.5f);

  public EnrollmentPolicy {
    if (minFaceSize < 1) {
      throw new IllegalArgumentException("the minimum face size is at least 1 px, got " + minFaceSize);
    }
    if (!(minDetectionScore > 0f && minDetectionScore <= 1f) || !(searchFloor > 0f && searchFloor <= minDetectionScore)) {
      throw new IllegalArgumentException("need 0 < search floor <= minimum detection score <= 1");
    }
  }
}
