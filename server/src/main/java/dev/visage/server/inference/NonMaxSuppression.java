package dev.visage.server.inference;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Greedy non-maximum suppression, exactly as OpenCV's {@code dnn::NMSBoxes} runs it for YuNet:
 * candidates above the score threshold, best first (ties keep their order), each kept unless it
 * overlaps an already kept box by more than the IoU threshold. Like OpenCV, overlaps are measured
 * on boxes truncated to whole pixels, so both implementations keep the same faces.
 */
public final class NonMaxSuppression {

  private NonMaxSuppression() {}

  /**
   * @param candidates detections in any order
   * @param scoreThreshold only scores strictly above it are considered
   * @param iouThreshold a box overlapping a kept one by more than this is dropped
   * @param topK consider only the best topK candidates; 0 or less for all
   * @return the kept detections, best first
   */
  public static List<FaceDetection> apply(
      List<FaceDetection> candidates, float scoreThreshold, float iouThreshold, int topK) {
    int[] order = IntStream.range(0, candidates.size())
        .filter(i -> candidates.get(i).score() > scoreThreshold)
        .boxed()
        .sorted(Comparator.comparingDouble(i -> -candidates.get(i).score()))
        .mapToInt(Integer::intValue)
        .toArray();
    int considered = topK > 0 ? Math.min(topK, order.length) : order.length;

    List<FaceDetection> kept = new ArrayList<>();
    List<int[]> keptRects = new ArrayList<>();
    for (int n = 0; n < considered; n++) {
      FaceDetection candidate = candidates.get(order[n]);
      int[] rect = wholePixels(candidate);
      boolean keep = true;
      for (int[] other : keptRects) {
        if (overlap(rect, other) > iouThreshold) {
          keep = false;
          break;
        }
      }
      if (keep) {
        kept.add(candidate);
        keptRects.add(rect);
      }
    }
    return kept;
  }

  /** x, y, width, height truncated toward zero, as C++'s int() does. */
  private static int[] wholePixels(FaceDetection detection) {
    return new int[] {
      (int) detection.box().x(), (int) detection.box().y(),
      (int) detection.box().width(), (int) detection.box().height()
    };
  }

  private static float overlap(int[] a, int[] b) {
    long areaA = (long) a[2] * a[3];
    long areaB = (long) b[2] * b[3];
    if (areaA + areaB <= 0) {
      return 1f; // two empty boxes count as identical, as in OpenCV
    }
    int left = Math.max(a[0], b[0]);
    int top = Math.max(a[1], b[1]);
    int width = Math.min(a[0] + a[2], b[0] + b[2]) - left;
    int height = Math.min(a[1] + a[3], b[1] + b[3]) - top;
    long intersection = width > 0 && height > 0 ? (long) width * height : 0;
    return (float) ((double) intersection / (areaA + areaB - intersection));
  }
}
