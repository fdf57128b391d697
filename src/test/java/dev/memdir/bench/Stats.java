package dev.memdir.bench;

import java.util.Arrays;

/** Percentiles of a set of timings. */
public final class Stats {
  private Stats() {}

  /** The p-th percentile (0..100) of the values, nearest-rank. */
  public static double percentile(double[] values, double p) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
  }

  /** The median. */
  public static double median(double[] values) {
    return percentile(values, 50);
  }
}
