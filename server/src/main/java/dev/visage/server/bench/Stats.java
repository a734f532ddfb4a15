package dev.visage.server.bench;

import java.util.Arrays;
import java.util.List;

/** Order statistics of measurements. */
public final class Stats {

  private Stats() {}

  /** The p-th percentile (0 to 100) by nearest rank. */
  public static double percentile(List<Double> values, double p) {
    if (values.isEmpty()) {
      return Double.NaN;
    }
    double[] sorted = values.stream().mapToDouble(Double::doubleValue).toArray();
    Arrays.sort(sorted);
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
  }

  public static double median(List<Double> values) {
    return percentile(values, 50);
  }
}
