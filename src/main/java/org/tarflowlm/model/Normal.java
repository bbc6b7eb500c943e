package org.tarflowlm.model;

import java.util.function.DoubleUnaryOperator;

/**
 * Standard normal functions and the monotone root finder, in double precision on the host.
 * Sampling inverts the mixture CDFs here, one position at a time, where a few thousand scalar
 * evaluations cost less than the calls to the engine they would otherwise take.
 */
public final class Normal {
  /** CDF values are kept in [EPS, 1 - EPS] before Phi^-1, on the device and here alike. */
  public static final double EPS = 1e-12;

  private static final double SQRT_2PI = Math.sqrt(2 * Math.PI);

  private Normal() {}

  /** Phi(x), accurate to about 1e-15 absolute (Hart's rational approximation, as given by West 2005). */
  public static double cdf(double x) {
    double ax = Math.abs(x);
    double tail;
    if (ax > 37) {
      tail = 0;
    } else {
      double e = Math.exp(-ax * ax / 2);
      if (ax < 7.07106781186547) {
        double num = 3.52624965998911e-02 * ax + 0.700383064443688;
        num = num * ax + 6.37396220353165;
        num = num * ax + 33.912866078383;
        num = num * ax + 112.079291497871;
        num = num * ax + 221.213596169931;
        num = num * ax + 220.206867912376;
        double den = 8.83883476483184e-02 * ax + 1.75566716318264;
        den = den * ax + 16.064177579207;
        den = den * ax + 86.7807322029461;
        den = den * ax + 296.564248779674;
        den = den * ax + 637.333633378831;
        den = den * ax + 793.826512519948;
        den = den * ax + 440.413735824752;
        tail = e * num / den;
      } else {
        double f = ax + 0.65;
        f = ax + 4 / f;
        f = ax + 3 / f;
        f = ax + 2 / f;
        f = ax + 1 / f;
        tail = e / f / SQRT_2PI;
      }
    }
    return x > 0 ? 1 - tail : tail;
  }

  /** log N(x; 0, 1). */
  public static double logPdf(double x) {
    return -0.5 * x * x - Nd.HALF_LOG_2PI;
  }

  /** GELU, tanh form; the same formula as {@link Nd#geluTanh}. */
  public static double geluTanh(double x) {
    return 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));
  }

  /** ELU with alpha 1. */
  public static double elu(double x) {
    return x > 0 ? x : Math.exp(x) - 1;
  }

  /**
   * Solves {@code f(x) = target} for an increasing f on [lo, hi] by bisection to 1e-10, at most
   * 200 halvings. The bracket is widened until it holds the root, so callers may pass a rough one.
   */
  public static double solveIncreasing(DoubleUnaryOperator f, double target, double lo, double hi) {
    double width = Math.max(hi - lo, 1);
    for (int i = 0; i < 60 && f.applyAsDouble(lo) > target; i++) {
      lo -= width;
      width *= 2;
    }
    width = Math.max(hi - lo, 1);
    for (int i = 0; i < 60 && f.applyAsDouble(hi) < target; i++) {
      hi += width;
      width *= 2;
    }
    for (int i = 0; i < 200 && hi - lo > 1e-10; i++) {
      double mid = 0.5 * (lo + hi);
      if (f.applyAsDouble(mid) < target) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    return 0.5 * (lo + hi);
  }

  /** Subtracts logsumexp in place, so that exp(logs) sums to 1. */
  public static void normalizeLogs(double[] logs) {
    double max = Double.NEGATIVE_INFINITY;
    for (double v : logs) {
      max = Math.max(max, v);
    }
    double sum = 0;
    for (double v : logs) {
      sum += Math.exp(v - max);
    }
    double lse = max + Math.log(sum);
    for (int k = 0; k < logs.length; k++) {
      logs[k] -= lse;
    }
  }

  /** The CDF value a Gaussian output h maps back to, clamped like the forward map clamps F. */
  public static double clampedCdf(double h) {
    return Math.min(Math.max(cdf(h), EPS), 1 - EPS);
  }
}
