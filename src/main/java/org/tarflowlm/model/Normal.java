package org.tarflowlm.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import java.util.function.DoubleUnaryOperator;

/**
 * The standard normal CDF Phi and its inverse, once, for the host (double) and the device
 * (float64 NDArrays) alike: the mixture couplings' forward maps run on the device and their
 * inverses on the host, so both sides must compute the same function or inverse(forward(x))
 * drifts.
 *
 * <p>Phi is Hart's rational approximation of the tail Phi(-a), a >= 0 (as given by West 2005),
 * with Phi(x) = 1 - Phi(-x) for x > 0. A mixture map h = Phi^-1(F(x)) takes Phi^-1 of the nearer
 * tail, p = min(F, 1 - F), each tail summed from its own side, so that 1 - F near 1e-12 keeps its
 * digits instead of the four that a double holds of F itself. Phi^-1 is the inverse of this Phi
 * (Newton steps on it), not a second approximation, so forward and inverse are one pair.
 *
 * <p>The clamp: p is kept in [EPS, 1/2], so |h| <= {@link #H_MAX} = 7.0345. An x further out in a
 * tail than that (p < 1e-12) maps onto the edge, and the inverse returns the edge point, not x.
 */
public final class Normal {
  /** The tail probability p of a mixture map is kept in [EPS, 1/2] before Phi^-1. */
  public static final double EPS = 1e-12;

  private static final double SQRT_2PI = Math.sqrt(2 * Math.PI);
  // Hart's tail Phi(-a) = exp(-a^2 / 2) NUM(a) / DEN(a) for a < SPLIT; a continued fraction beyond
  private static final double[] NUM = {3.52624965998911e-02, 0.700383064443688, 6.37396220353165,
      33.912866078383, 112.079291497871, 221.213596169931, 220.206867912376};
  private static final double[] DEN = {8.83883476483184e-02, 1.75566716318264, 16.064177579207,
      86.7807322029461, 296.564248779674, 637.333633378831, 793.826512519948, 440.413735824752};
  private static final double SPLIT = 7.07106781186547;
  /** Newton steps after erfinv's start on the device (error 1e-5 -> 1e-10 -> below 1e-16). */
  private static final int DEVICE_NEWTON_STEPS = 2;

  /** The largest |h| a mixture map emits: -Phi^-1(EPS). */
  public static final double H_MAX = -quantile(EPS);

  private Normal() {}

  /** Phi(-a) for a >= 0: about 1e-17 absolute, 1e-8 relative in the far tail. */
  static double tail(double a) {
    double e = Math.exp(-a * a / 2);
    if (a < SPLIT) {
      return e * horner(NUM, a) / horner(DEN, a);
    }
    double f = a + 0.65;
    for (int k = 4; k >= 1; k--) {
      f = a + k / f;
    }
    return e / f / SQRT_2PI;
  }

  private static double horner(double[] c, double a) {
    double v = c[0];
    for (int i = 1; i < c.length; i++) {
      v = v * a + c[i];
    }
    return v;
  }

  /** Phi(x); for the upper tail 1 - Phi(x) with all its digits, call cdf(-x). */
  public static double cdf(double x) {
    double t = tail(Math.abs(x));
    return x > 0 ? 1 - t : t;
  }

  /** Phi^-1(p) for p in (0, 1), from the nearer tail: the inverse of {@link #cdf}. */
  public static double quantile(double p) {
    if (!(p > 0 && p < 1)) {
      throw new IllegalArgumentException("Phi^-1 needs p in (0, 1), got " + p);
    }
    return p > 0.5 ? -lowerQuantile(1 - p) : lowerQuantile(p);
  }

  /** Phi^-1(q) for q in (0, 1/2]: Abramowitz and Stegun 26.2.23 (error < 4.5e-4), then Newton on cdf. */
  private static double lowerQuantile(double q) {
    double t = Math.sqrt(-2 * Math.log(q));
    double x = -(t - (2.515517 + t * (0.802853 + t * 0.010328)) / (1 + t * (1.432788 + t * (0.189269 + t * 0.001308))));
    for (int i = 0; i < 20; i++) {
      double step = (cdf(x) - q) / Math.exp(logPdf(x)); // Newton: x -= (Phi(x) - q) / phi(x)
      x -= step;
      if (Math.abs(step) <= 1e-15 * Math.max(1, Math.abs(x))) {
        break;
      }
    }
    return x;
  }

  /**
   * h = Phi^-1(F) from the two tails of a distribution at one point, {@code lower = F} and
   * {@code upper = 1 - F}, each summed from its own side: the nearer one, clamped into [EPS, 1/2].
   */
  public static double fromTails(double lower, double upper) {
    double q = lowerQuantile(Math.min(Math.max(Math.min(lower, upper), EPS), 0.5));
    return lower <= upper ? q : -q;
  }

  /** The tail probability p = min(Phi(h), 1 - Phi(h)) that {@link #fromTails} maps to h, clamped alike. */
  public static double tailOf(double h) {
    return Math.min(Math.max(cdf(-Math.abs(h)), EPS), 0.5);
  }

  // ------------------------------------------------------------------ the same, on the device

  /** Phi(-a) for a >= 0, elementwise (float64): {@link #tail(double)} with the same coefficients. */
  static NDArray tail(NDArray a) {
    NDArray e = a.square().mul(-0.5).exp();
    NDArray rational = horner(NUM, a).div(horner(DEN, a));
    NDArray f = a.add(0.65);
    for (int k = 4; k >= 1; k--) {
      f = a.mul(f).add(k).div(f); // a + k / f
    }
    return NDArrays.where(a.lt(SPLIT), e.mul(rational), e.div(f).div(SQRT_2PI));
  }

  private static NDArray horner(double[] c, NDArray a) {
    NDArray v = a.mul(c[0]).add(c[1]);
    for (int i = 2; i < c.length; i++) {
      v = v.mul(a).add(c[i]);
    }
    return v;
  }

  /** {Phi(x), Phi(-x)} elementwise (float64), each accurate in its own tail. */
  public static NDArray[] cdfBothSides(NDArray x) {
    NDArray t = tail(x.abs());
    NDArray rest = t.neg().add(1);
    NDArray above = x.gt(0);
    return new NDArray[] {NDArrays.where(above, rest, t), NDArrays.where(above, t, rest)};
  }

  /** Phi(x) elementwise (float64). */
  public static NDArray cdf(NDArray x) {
    return cdfBothSides(x)[0];
  }

  /** Phi^-1(q) for q in [EPS, 1/2] elementwise (float64): erfinv's start, then Newton on {@link #cdf(NDArray)}. */
  static NDArray lowerQuantile(NDArray q) {
    NDArray x = q.mul(2).sub(1).erfinv().mul(Math.sqrt(2));
    for (int i = 0; i < DEVICE_NEWTON_STEPS; i++) {
      NDArray pdf = x.square().mul(-0.5).exp().div(SQRT_2PI);
      x = x.sub(tail(x.neg()).sub(q).div(pdf)); // x <= 0: Phi(x) = tail(-x)
    }
    return x;
  }

  /** {@link #fromTails(double, double)} elementwise (float64). */
  public static NDArray fromTails(NDArray lower, NDArray upper) {
    NDArray q = lowerQuantile(NDArrays.minimum(lower, upper).clip(EPS, 0.5));
    return NDArrays.where(lower.lte(upper), q, q.neg());
  }

  // ------------------------------------------------------------------ small host helpers

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
   * Solves {@code f(x) = target} for an increasing f by bisection to the resolution of float64:
   * it stops when f meets the target exactly or the bracket's ends are adjacent doubles, and returns
   * the end whose value is nearer the target. A looser tolerance is not enough for a flow's inverse:
   * where a mixture's CDF is nearly flat, an error in x far below the tolerance in h grows position
   * by position through the next positions' contexts. The bracket is widened until it holds the
   * root, so callers may pass a rough one.
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
    // each halving at least halves the bracket, and 2,200 halvings take any finite one to adjacent doubles
    for (int i = 0; i < 2200; i++) {
      double mid = lo + 0.5 * (hi - lo);
      if (mid <= lo || mid >= hi) {
        break;
      }
      double v = f.applyAsDouble(mid);
      if (v == target) {
        return mid;
      }
      if (v < target) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    return target - f.applyAsDouble(lo) <= f.applyAsDouble(hi) - target ? lo : hi;
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
}
