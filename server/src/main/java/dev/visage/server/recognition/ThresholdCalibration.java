package dev.visage.server.recognition;

import java.util.Arrays;

/**
 * Picks a similarity threshold from labelled pairs: the one that minimises the false accept rate
 * plus the false reject rate (each pair kind weighted equally, however many there are of each).
 * The errors only change at observed similarities, so the best thresholds form an interval; the
 * middle of it is the least sensitive to noise.
 */
public final class ThresholdCalibration {

  /**
   * @param threshold the middle of the best interval
   * @param low the best interval is (low, high]
   * @param falseAccepts impostor pairs at or above the threshold
   * @param falseRejects genuine pairs below the threshold
   */
  public record Result(float threshold, float low, float high, int falseAccepts, int falseRejects,
      int genuinePairs, int impostorPairs) {

    public double falseAcceptRate() {
      return impostorPairs == 0 ? 0 : (double) falseAccepts / impostorPairs;
    }

    public double falseRejectRate() {
      return genuinePairs == 0 ? 0 : (double) falseRejects / genuinePairs;
    }
  }

  private ThresholdCalibration() {}

  /**
   * @param genuine similarities of pairs of the same person
   * @param impostor similarities of pairs of different persons
   */
  public static Result minimiseErrorRates(float[] genuine, float[] impostor) {
    if (genuine.length == 0 || impostor.length == 0) {
      throw new IllegalArgumentException("calibration needs both genuine and impostor pairs");
    }
    float[] g = genuine.clone();
    float[] i = impostor.clone();
    Arrays.sort(g);
    Arrays.sort(i);
    float[] all = new float[g.length + i.length];
    System.arraycopy(g, 0, all, 0, g.length);
    System.arraycopy(i, 0, all, g.length, i.length);
    Arrays.sort(all);

    // A threshold t in (all[k-1], all[k]] rejects every genuine pair <= all[k-1] and accepts
    // every impostor pair >= all[k]. k = 0 is "below everything", k = n "above everything".
    double bestCost = Double.MAX_VALUE;
    int bestK = 0;
    for (int k = 0; k <= all.length; k++) {
      if (k > 0 && k < all.length && all[k] == all[k - 1]) {
        continue; // an empty interval
      }
      float below = k == 0 ? Float.NEGATIVE_INFINITY : all[k - 1];
      int rejects = countAtMost(g, below);
      int accepts = i.length - countAtMost(i, below);
      double cost = (double) rejects / g.length + (double) accepts / i.length;
      if (cost < bestCost) {
        bestCost = cost;
        bestK = k;
      }
    }
    float low = bestK == 0 ? all[0] - 0.01f : all[bestK - 1];
    float high = bestK == all.length ? all[all.length - 1] + 0.01f : all[bestK];
    int rejects = countAtMost(g, bestK == 0 ? Float.NEGATIVE_INFINITY : all[bestK - 1]);
    int accepts = i.length - countAtMost(i, bestK == 0 ? Float.NEGATIVE_INFINITY : all[bestK - 1]);
    return new Result((low + high) / 2f, low, high, accepts, rejects, g.length, i.length);
  }

  /** How many sorted values are at most {@code limit}. */
  private static int countAtMost(float[] sorted, float limit) {
    int index = Arrays.binarySearch(sorted, limit);
    if (index < 0) {
      return -index - 1;
    }
    while (index + 1 < sorted.length && sorted[index + 1] == limit) {
      index++;
    }
    return index + 1;
  }
}
