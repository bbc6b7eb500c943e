package org.tarflowlm.model;

/**
 * How each layer's inverse runs: a position at a time ({@link InversePass}), or by fixed-point
 * sweeps over all positions at once ({@link JacobiInverse}). Both end at the same x.
 */
public sealed interface InverseSchedule {
  /** One position at a time, its context from the transformer's cache or recomputed over the prefix. */
  record Sequential(boolean useCache) implements InverseSchedule {}

  /**
   * Jacobi sweeps; see {@link JacobiInverse#invert} for the arguments.
   *
   * @param tolerance a change no larger than this counts as none; 0 for the exact fixed point
   * @param maxSweeps sweeps before the rest of a layer is finished sequentially
   * @param window positions solved per sweep from the first unsettled one (Integer.MAX_VALUE: all)
   */
  record Jacobi(double tolerance, int maxSweeps, int window) implements InverseSchedule {}

  /** The cached sequential inverse, what generation runs by default. */
  InverseSchedule CACHED = new Sequential(true);
}
