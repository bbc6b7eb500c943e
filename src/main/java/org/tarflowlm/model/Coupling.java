package org.tarflowlm.model;

import ai.djl.ndarray.NDArray;

/**
 * The map of one flow layer from its input x to its output h, given the transformer's context.
 * The forward map runs on whole sequences on the device; the inverse runs one position at a time
 * on the host ({@link InverseMap}), from the per-position parameters that {@link #stepParams}
 * computes on the device.
 */
public interface Coupling {
  /**
   * Forward map of every position: h, the per-channel log-determinants, the log density and the
   * coupling's parameters.
   *
   * @param x input in flow order, [B, N, c]
   * @param ctx transformer output, [B, N, D]; ctx[t] depends on x[< t] only
   */
  CouplingResult forward(NDArray x, NDArray ctx);

  /**
   * log p_layer(x) per position, [B, N]: the layer's density of its input with a standard normal
   * base, all that training needs of a last layer, without computing h.
   */
  NDArray logDensity(NDArray x, NDArray ctx);

  /** The parameters the inverse needs, for one position: ctx [B, 1, D] -> [B, 1, k]. */
  NDArray stepParams(NDArray ctx);

  /**
   * The inverse map, on host copies of the weights it reads: take one per pass, since the weights
   * do not change during a pass and the copies are not free.
   */
  InverseMap inverseMap();
}
