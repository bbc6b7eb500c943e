package org.tarflowlm.model;

import java.util.List;

/**
 * Every layer's state of one inverse run u -> z, the mirror of {@link FlowForward}.
 *
 * @param inputs what each layer's inverse wrote, its input x_l, [N][c] in that layer's channel
 *     order (inputs[0] = z, in flow positions)
 * @param steps transformer calls the run made: a position each for a sequential layer, a sweep each
 *     for a Jacobi one plus the positions it finished sequentially
 */
public record FlowInverse(List<double[][]> inputs, long steps) {
  /** The data latent z, [N][c]. */
  public double[][] z() {
    return inputs.get(0);
  }
}
