package dev.visage.server.inference;

/**
 * How faces are detected.
 *
 * @param maxWorkingSide images are scaled down (never up) so that their longer side is at most
 *     this before detection: YuNet was trained on faces of about 10 to 300 px and misses large
 *     close-ups at full resolution
 * @param scoreThreshold the default minimum detection score
 * @param nmsThreshold boxes overlapping a better one by more than this IoU are dropped
 * @param topK at most this many candidates enter non-maximum suppression
 * @param concurrency how many images may be in the detector at once (each holds a reusable input
 *     buffer sized for the working side)
 */
public record DetectorSettings(
    int maxWorkingSide, float scoreThreshold, float nmsThreshold, int topK, int concurrency) {

  public static final DetectorSettings DEFAULT = new DetectorSettings(640, 0.9f, 0.3f, 5000, 2);

  public DetectorSettings {
    if (maxWorkingSide < 32) {
      throw new IllegalArgumentException("the detector's working side must be at least 32 px, got " + maxWorkingSide);
    }
    if (!(scoreThreshold >= 0f && scoreThreshold <= 1f) || !(nmsThreshold >= 0f && nmsThreshold <= 1f)) {
      throw new IllegalArgumentException("detection score and NMS thresholds lie between 0 and 1");
    }
    if (concurrency < 1) {
      throw new IllegalArgumentException("detector concurrency must be at least 1, got " + concurrency);
    }
  }
}
