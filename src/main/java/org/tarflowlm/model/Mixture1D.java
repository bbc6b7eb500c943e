package org.tarflowlm.model;

/**
 * A 1-D Gaussian mixture p(x) = sum_k w_k N(x; m_k, s_k^2) on the host, and its map to a standard
 * normal value, h = Phi^-1(F(x)), with that map's inverse. One channel of a Mix-1 or Mix-d coupling
 * is one of these: the couplings' inverses and the mixture view both use it, and the device forward
 * computes the same map ({@link Normal#fromTails}).
 *
 * @param weights w, summing to 1, [K]
 * @param means m, [K]
 * @param scales s (standard deviations, not logs), [K]
 */
public record Mixture1D(double[] weights, double[] means, double[] scales) {
  /** The bracket of the inverse: every component's mean +- this many scales. */
  private static final double BRACKET = 20;

  public Mixture1D {
    if (weights.length != means.length || weights.length != scales.length || weights.length == 0) {
      throw new IllegalArgumentException("a mixture needs as many weights, means and scales, at least one: got "
          + weights.length + ", " + means.length + ", " + scales.length);
    }
  }

  /** From log-weights, renormalized (they need not sum to 1 in exp). */
  public static Mixture1D ofLogWeights(double[] logWeights, double[] means, double[] scales) {
    double[] w = logWeights.clone();
    Normal.normalizeLogs(w);
    for (int k = 0; k < w.length; k++) {
      w[k] = Math.exp(w[k]);
    }
    return new Mixture1D(w, means, scales);
  }

  public int components() {
    return weights.length;
  }

  /** F(x) = sum_k w_k Phi((x - m_k) / s_k). */
  public double cdf(double x) {
    double f = 0;
    for (int k = 0; k < weights.length; k++) {
      f += weights[k] * Normal.cdf((x - means[k]) / scales[k]);
    }
    return f;
  }

  /** 1 - F(x), summed from the upper tails: keeps its digits where F(x) rounds to 1. */
  public double survival(double x) {
    double f = 0;
    for (int k = 0; k < weights.length; k++) {
      f += weights[k] * Normal.cdf((means[k] - x) / scales[k]);
    }
    return f;
  }

  /** p(x). */
  public double pdf(double x) {
    double p = 0;
    for (int k = 0; k < weights.length; k++) {
      p += component(k, x);
    }
    return p;
  }

  /** Component k's share of the density, w_k N(x; m_k, s_k^2). */
  public double component(int k, double x) {
    return weights[k] * Math.exp(Normal.logPdf((x - means[k]) / scales[k])) / scales[k];
  }

  /** h = Phi^-1(F(x)), from the nearer tail. */
  public double toGaussian(double x) {
    return Normal.fromTails(cdf(x), survival(x));
  }

  /**
   * The x with {@link #toGaussian}(x) = h, to the resolution of float64: bisection on the tail that
   * h's sign names ({@link Normal#solveIncreasing}). An h beyond {@link Normal#H_MAX} gives the
   * clamp's edge point.
   */
  public double fromGaussian(double h) {
    double p = Normal.tailOf(h);
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (int k = 0; k < weights.length; k++) {
      lo = Math.min(lo, means[k] - BRACKET * scales[k]);
      hi = Math.max(hi, means[k] + BRACKET * scales[k]);
    }
    return h <= 0
        ? Normal.solveIncreasing(this::cdf, p, lo, hi)
        : Normal.solveIncreasing(v -> -survival(v), -p, lo, hi);
  }

  /** Component indices by decreasing weight (ties by index). */
  public int[] byWeight() {
    return java.util.stream.IntStream.range(0, weights.length).boxed()
        .sorted((a, b) -> weights[a] != weights[b] ? Double.compare(weights[b], weights[a]) : a - b)
        .mapToInt(Integer::intValue).toArray();
  }

  /** Rank (1 = heaviest) of component k by weight. */
  public int rankOf(int k) {
    int[] order = byWeight();
    for (int r = 0; r < order.length; r++) {
      if (order[r] == k) {
        return r + 1;
      }
    }
    throw new IllegalArgumentException("component " + k + " is outside [0, " + order.length + ")");
  }
}
