package org.tarflowlm.model;

import ai.djl.ndarray.NDArray;

/**
 * The map of one flow layer from its input x to its output h, given the transformer's context.
 * The forward map runs on whole sequences on the device; the inverse runs one position at a time
 * on the host, from the per-position parameters that {@link #stepParams} computes on the device.
 */
public interface Coupling {
  /**
   * Forward map of every position.
   *
   * @param x input in flow order, [B, N, c]
   * @param ctx transformer output, [B, N, D]; ctx[t] depends on x[< t] only
   * @param full false: only the log density (what training needs from a last layer); true: also
   *     h, the per-channel log-determinants and the coupling's parameters
   */
  CouplingResult forward(NDArray x, NDArray ctx, boolean full);

  /** The parameters {@link #inverse} needs, for one position: ctx [B, 1, D] -> [B, 1, k]. */
  NDArray stepParams(NDArray ctx);

  /**
   * Copies what the inverse needs from the device to the host; call before a sampling pass and
   * after the weights change.
   */
  void prepareInverse();

  /** Inverse map of one position: the x with forward(x) = h, given this position's stepParams. */
  double[] inverse(double[] stepParams, double[] h);
}
