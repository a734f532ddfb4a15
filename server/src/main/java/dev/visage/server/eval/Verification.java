package dev.visage.server.eval;

import java.util.Arrays;
import java.util.Optional;

/**
 * One-to-one verification measured on labelled pairs: the similarity of every pair of faces of the
 * same person (genuine) and of different persons (impostor). A threshold t accepts a pair whose
 * similarity is at least t, as the server does.
 */
public final class Verification {

  private final float[] genuine;
  private final float[] impostor;

  /**
   * @param genuine similarities of pairs of one person
   * @param impostor similarities of pairs of different persons
   */
  public Verification(float[] genuine, float[] impostor) {
    if (genuine.length == 0 || impostor.length == 0) {
      throw new IllegalArgumentException("verification needs genuine and impostor pairs: use a folder with at least "
          + "two persons, one of them with two or more photos");
    }
    this.genuine = genuine.clone();
    this.impostor = impostor.clone();
    Arrays.sort(this.genuine);
    Arrays.sort(this.impostor);
  }

  public int genuinePairs() {
    return genuine.length;
  }

  public int impostorPairs() {
    return impostor.length;
  }

  public Distribution genuineDistribution() {
    return Distribution.of(genuine);
  }

  public Distribution impostorDistribution() {
    return Distribution.of(impostor);
  }

  /** Impostor pairs accepted at a threshold, as a fraction. */
  public double falseAcceptRate(float threshold) {
    return (double) countAtLeast(impostor, threshold) / impostor.length;
  }

  /** Genuine pairs accepted at a threshold, as a fraction (1 - FRR). */
  public double trueAcceptRate(float threshold) {
    return (double) countAtLeast(genuine, threshold) / genuine.length;
  }

  /** A point of the ROC curve. */
  public record Operating(float threshold, double falseAcceptRate, double trueAcceptRate) {
    public double falseRejectRate() {
      return 1 - trueAcceptRate;
    }

    /** The mean of the two error rates: the equal error rate, at the point {@link #equalErrorRate} finds. */
    public double meanErrorRate() {
      return (falseAcceptRate + falseRejectRate()) / 2;
    }
  }

  public Operating at(float threshold) {
    return new Operating(threshold, falseAcceptRate(threshold), trueAcceptRate(threshold));
  }

  /**
   * The lowest threshold whose false accept rate is at most {@code far}, and the true accept rate
   * there. Empty when there are too few impostor pairs to tell that rate from zero (fewer than
   * 1 / far): one accepted impostor would already exceed it.
   */
  public Optional<Operating> atFalseAcceptRate(double far) {
    if (far * impostor.length < 1) {
      return Optional.empty();
    }
    int allowed = (int) Math.floor(far * impostor.length); // impostors that may be accepted
    // Accept only impostors above the (allowed + 1)-th highest: the threshold sits just above it.
    float highestRejected = impostor[impostor.length - 1 - allowed];
    float threshold = Math.nextUp(highestRejected);
    return Optional.of(at(threshold));
  }

  /**
   * The equal error rate: where the false accept and false reject rates meet. Among the thresholds
   * where the two are closest, the middle of the run of equally good ones is taken, so a
   * complete separation gives the middle of the gap between the classes. With finitely many pairs
   * the two rates rarely meet exactly; the equal error rate is then their mean there
   * ({@link Operating#meanErrorRate}).
   */
  public Operating equalErrorRate() {
    float[] all = new float[genuine.length + impostor.length];
    System.arraycopy(genuine, 0, all, 0, genuine.length);
    System.arraycopy(impostor, 0, all, genuine.length, impostor.length);
    Arrays.sort(all);
    // The rates only change at observed similarities: test each, and one above them all.
    double bestGap = Double.MAX_VALUE;
    float bestLow = all[0];
    float bestHigh = all[0];
    for (int k = 0; k <= all.length; k++) {
      if (k > 0 && k < all.length && all[k] == all[k - 1]) {
        continue;
      }
      float threshold = k < all.length ? all[k] : Math.nextUp(all[all.length - 1]);
      double gap = Math.abs(falseAcceptRate(threshold) - (1 - trueAcceptRate(threshold)));
      if (gap < bestGap - 1e-12) {
        bestGap = gap;
        bestLow = k > 0 ? all[k - 1] : threshold - 0.01f;
        bestHigh = threshold;
      } else if (Math.abs(gap - bestGap) <= 1e-12) {
        bestHigh = threshold;
      }
    }
    // Thresholds in (bestLow, bestHigh] are equally good; the middle is least sensitive to noise.
    return at(midpointAbove(bestLow, bestHigh));
  }

  /** A threshold in (low, high]: their middle, or high when they are adjacent floats. */
  private static float midpointAbove(float low, float high) {
    float middle = (low + high) / 2f;
    return middle > low ? middle : high;
  }

  /** The ROC at each of the given false accept rates that the pairs can resolve. */
  public java.util.List<Operating> roc(double... falseAcceptRates) {
    java.util.List<Operating> points = new java.util.ArrayList<>();
    for (double far : falseAcceptRates) {
      atFalseAcceptRate(far).ifPresent(points::add);
    }
    return points;
  }

  private static int countAtLeast(float[] sorted, float threshold) {
    int low = 0;
    int high = sorted.length;
    while (low < high) { // first index with sorted[index] >= threshold
      int mid = (low + high) >>> 1;
      if (sorted[mid] < threshold) {
        low = mid + 1;
      } else {
        high = mid;
      }
    }
    return sorted.length - low;
  }

  /** A summary of a similarity distribution. */
  public record Distribution(int count, double mean, double std, float min, float p5, float median, float p95, float max) {

    static Distribution of(float[] sorted) {
      double sum = 0;
      for (float v : sorted) {
        sum += v;
      }
      double mean = sum / sorted.length;
      double squares = 0;
      for (float v : sorted) {
        squares += (v - mean) * (v - mean);
      }
      return new Distribution(sorted.length, mean, Math.sqrt(squares / sorted.length), sorted[0],
          quantile(sorted, 0.05), quantile(sorted, 0.5), quantile(sorted, 0.95), sorted[sorted.length - 1]);
    }

    private static float quantile(float[] sorted, double q) {
      return sorted[(int) Math.min(sorted.length - 1, Math.round(q * (sorted.length - 1)))];
    }
  }

  /** How many pairs fall in each similarity bin of the given width, from -1 to 1. */
  public int[][] histogram(float binWidth) {
    int bins = (int) Math.ceil(2 / binWidth);
    int[][] counts = new int[bins][2];
    for (float g : genuine) {
      counts[bin(g, binWidth, bins)][0]++;
    }
    for (float i : impostor) {
      counts[bin(i, binWidth, bins)][1]++;
    }
    return counts;
  }

  private static int bin(float similarity, float width, int bins) {
    return Math.max(0, Math.min(bins - 1, (int) Math.floor((similarity + 1) / width)));
  }
}
