package org.tarflowlm.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * A layer's inverse by fixed-point (Jacobi) iteration over all positions at once, the parallel
 * counterpart of {@link InversePass}: from a guess x^(0), every sweep computes
 * {@code x^(k+1)_t = f^-1(h_t; ctx(x^(k)_<t))} for all t with one transformer call over the whole
 * sequence, then solves each position on the host.
 *
 * <p>Why it ends at the sequential inverse: position t's context reads only positions before it
 * (flow order). The first position reads nothing, so one sweep makes it final; and whenever a
 * sweep leaves positions [f, s) unchanged while [0, f) were final, those were final too and
 * position s, computed from final inputs only, is final after it. So after each sweep every
 * position up to and including the first one that changed is final (the frontier moves at least
 * one position per sweep, and N sweeps are always enough), and a sweep that changes nothing has
 * reached the sequential inverse's values. Positions before the frontier are not solved again.
 *
 * <p>A window of W positions makes it Gauss-Seidel-Jacobi: each sweep solves only the W positions
 * from the frontier on (the later ones wait at their guess), so a sweep costs W solves instead of
 * N - frontier; a sweep that changes none of them makes all W final. W = 1 is the sequential
 * inverse (without a cache), W >= N plain Jacobi.
 *
 * <p>With a tolerance above 0, a change no larger than it counts as none: fewer sweeps, and the
 * result is the sequential inverse only to within what the layer makes of such changes. When the
 * sweeps run out before the frontier reaches the end, the rest is finished sequentially from the
 * frontier, so the result is the inverse in every case.
 */
public final class JacobiInverse {
  /**
   * The state after one sweep.
   *
   * @param sweep 1 for the first
   * @param x every position's value after the sweep, [N][c] in sequence order (a copy)
   * @param frontier flow positions known final: [0, frontier) in the layer's order
   * @param changed positions whose value moved by more than the tolerance in this sweep
   * @param maxChange the largest move, max |x^(k) - x^(k-1)|
   */
  public record Sweep(int sweep, double[][] x, int frontier, int changed, double maxChange) {}

  /** Hears every sweep, on the inverting thread; may throw to stop (a cancelled generation). */
  public interface Listener {
    void onSweep(Sweep sweep);

    Listener NONE = s -> {};
  }

  /**
   * What the iteration gave.
   *
   * @param x the layer's input, [N][c] in sequence order
   * @param sweeps Jacobi sweeps run
   * @param converged whether the sweeps alone reached the end (no sequential finish)
   * @param sequentialSteps positions finished sequentially after the sweeps ran out
   */
  public record Result(double[][] x, int sweeps, boolean converged, int sequentialSteps) {}

  private JacobiInverse() {}

  /**
   * Inverts {@code layer} at h by Jacobi sweeps.
   *
   * @param h the layer's output, [N][c] in sequence order
   * @param fixed positions whose input is given (a prompt's, a template's); null for none
   * @param fixedX the given inputs, [N][c] (read only where fixed)
   * @param tolerance a change no larger than this counts as none; 0 for the exact fixed point
   * @param maxSweeps sweeps before the rest is finished sequentially
   * @param window positions solved per sweep, from the frontier on (Integer.MAX_VALUE: all)
   */
  public static Result invert(FlowLayer layer, double[][] h, boolean[] fixed, double[][] fixedX, double tolerance,
      int maxSweeps, int window, Listener listener, NDManager manager) {
    if (!(tolerance >= 0)) {
      throw new IllegalArgumentException("the Jacobi tolerance must be 0 or more, got " + tolerance);
    }
    if (maxSweeps < 1) {
      throw new IllegalArgumentException("Jacobi needs at least 1 sweep, got " + maxSweeps);
    }
    if (window < 1) {
      throw new IllegalArgumentException("a Jacobi window holds at least 1 position, got " + window);
    }
    int n = h.length;
    int c = h[0].length;
    InverseMap map = layer.coupling().inverseMap();
    double[][] x = new double[n][];
    for (int i = 0; i < n; i++) {
      x[i] = isFixed(fixed, i) ? fixedX[i].clone() : h[i].clone(); // x^(0) = h: most layers are near the identity
    }
    int frontier = 0;
    int sweeps = 0;
    try (NDManager scope = manager.newSubManager()) {
      while (frontier < n && sweeps < maxSweeps) {
        double[][] params = stepParams(layer, x, scope); // [N][k], flow order
        double[][] next = x.clone();
        int end = (int) Math.min(n, (long) frontier + window);
        int firstChanged = end;
        int changed = 0;
        double maxChange = 0;
        for (int s = frontier; s < end; s++) {
          int i = layer.reversed() ? n - 1 - s : s;
          if (isFixed(fixed, i)) {
            continue;
          }
          next[i] = map.inverse(params[s], h[i]); // x_t = f^-1(h_t; ctx(x^(k)_<t))
          double move = 0;
          for (int j = 0; j < c; j++) {
            move = Math.max(move, Math.abs(next[i][j] - x[i][j]));
          }
          maxChange = Math.max(maxChange, move);
          if (move > tolerance) {
            changed++;
            firstChanged = Math.min(firstChanged, s);
          }
        }
        x = next;
        sweeps++;
        frontier = firstChanged == end ? end : firstChanged + 1;
        listener.onSweep(new Sweep(sweeps, copy(x), frontier, changed, maxChange));
      }
    }
    if (frontier == n) {
      return new Result(x, sweeps, true, 0);
    }
    int settled = frontier; // the sequential inverse from the frontier on, keeping the final positions before it
    double[][] finished = InversePass.run(layer, h, (step, i) -> step < settled || isFixed(fixed, i), x, true,
        (step, i, xi) -> { }, manager);
    return new Result(finished, sweeps, false, n - frontier);
  }

  /** Every position's step parameters from one transformer call over x: [N][k] in flow order. */
  private static double[][] stepParams(FlowLayer layer, double[][] x, NDManager scope) {
    int n = x.length;
    int c = x[0].length;
    double[] flat = new double[n * c];
    for (int s = 0; s < n; s++) {
      System.arraycopy(x[layer.reversed() ? n - 1 - s : s], 0, flat, s * c, c);
    }
    try (NDManager step = scope.newSubManager()) {
      NDArray in = Nd.fromHost(step, flat, new Shape(1, n, c), layer.dtype()); // [1, N, c], flow order
      double[] sp = Nd.hostDoubles(layer.coupling().stepParams(layer.body().forward(layer.features(in)))); // [1, N, k]
      int k = sp.length / n;
      double[][] out = new double[n][k];
      for (int s = 0; s < n; s++) {
        System.arraycopy(sp, s * k, out[s], 0, k);
      }
      return out;
    }
  }

  private static boolean isFixed(boolean[] fixed, int i) {
    return fixed != null && fixed[i];
  }

  private static double[][] copy(double[][] x) {
    double[][] out = new double[x.length][];
    for (int i = 0; i < x.length; i++) {
      out[i] = x[i].clone();
    }
    return out;
  }
}
