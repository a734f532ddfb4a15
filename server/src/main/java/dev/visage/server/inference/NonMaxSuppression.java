package dev.visage.server.inference;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

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
    long[] order = new long[candidates.size()];
    int above = 0;
    for (int i = 0; i < order.length; i++) {
      float score = candidates.get(i).score();
      if (score > scoreThreshold) {
        order[above++] = sortKey(score, i);
      }
    }
    Arrays.sort(order, 0, above);
    int considered = topK > 0 ? Math.min(topK, above) : above;

    List<FaceDetection> kept = new ArrayList<>();
    int[][] keptRects = new int[considered][];
    int keptCount = 0;
    for (int n = 0; n < considered; n++) {
      FaceDetection candidate = candidates.get((int) order[n]);
      int[] rect = wholePixels(candidate);
      boolean keep = true;
      for (int k = 0; k < keptCount; k++) {
        if (overlap(rect, keptRects[k]) > iouThreshold) {
          keep = false;
          break;
        }
      }
      if (keep) {
        kept.add(candidate);
        keptRects[keptCount++] = rect;
      }
    }
    return kept;
  }

  /**
   * Sorting these keys ascending orders by score descending, ties by index ascending (a stable
   * sort, as OpenCV's): the bits of a non-negative float grow with its value.
   */
  private static long sortKey(float score, int index) {
    int bits = Float.floatToIntBits(Math.max(0f, score));
    return ((long) (Integer.MAX_VALUE - bits) << 32) | index;
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
