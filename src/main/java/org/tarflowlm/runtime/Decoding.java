package org.tarflowlm.runtime;

import org.tarflowlm.model.InverseSchedule;

/**
 * How generation inverts each layer: sequentially, one position per step with the key/value cache
 * (N transformer steps of one position), or by Jacobi sweeps, each one transformer call over every
 * position ({@link org.tarflowlm.model.JacobiInverse}). Both give the same text; they differ in
 * how many sequential calls a pass takes.
 *
 * @param jacobi whether to invert by Jacobi sweeps
 * @param tolerance Jacobi: a change no larger than this counts as none (0: the exact fixed point)
 * @param maxSweeps Jacobi: sweeps per pass before the rest is finished sequentially
 * @param window Jacobi: positions solved per sweep from the first unsettled one (Gauss-Seidel-Jacobi);
 *     Integer.MAX_VALUE for plain Jacobi over every position
 */
public record Decoding(boolean jacobi, double tolerance, int maxSweeps, int window) {
  public static final Decoding SEQUENTIAL = new Decoding(false, 0, 1, 1);

  public Decoding {
    if (!(tolerance >= 0)) {
      throw new IllegalArgumentException("the Jacobi tolerance must be 0 or more, got " + tolerance);
    }
    if (maxSweeps < 1) {
      throw new IllegalArgumentException("Jacobi needs at least 1 sweep per pass, got " + maxSweeps);
    }
    if (window < 1) {
      throw new IllegalArgumentException("a Jacobi window holds at least 1 position, got " + window);
    }
  }

  /** Jacobi sweeps until nothing moves by more than {@code tolerance}, with no cap below the sequence length. */
  public static Decoding jacobi(double tolerance) {
    return new Decoding(true, tolerance, Integer.MAX_VALUE, Integer.MAX_VALUE);
  }

  /** The same sweeps over a window of {@code positions} from the first unsettled one. */
  public Decoding window(int positions) {
    return new Decoding(jacobi, tolerance, maxSweeps, positions);
  }

  /** The model's schedule for this decoding; {@code useCache} says how a sequential layer gets its contexts. */
  public InverseSchedule schedule(boolean useCache) {
    return jacobi ? new InverseSchedule.Jacobi(tolerance, maxSweeps, window) : new InverseSchedule.Sequential(useCache);
  }

  /** "sequential" or "jacobi", as the command line and the explorer name it. */
  public String label() {
    return jacobi ? "jacobi" : "sequential";
  }
}
