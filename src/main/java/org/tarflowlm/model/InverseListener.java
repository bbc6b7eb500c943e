package org.tarflowlm.model;

/**
 * Hears an inverse run u -> z as it writes, on the inverting thread. Layers are numbered from 0
 * (the data side) and run from the last to the first. Any method may throw to stop the run (a
 * cancelled generation); it takes effect at the next position or sweep.
 */
public interface InverseListener {
  InverseListener NONE = new InverseListener() {};

  /**
   * A position written by a sequential inverse, or kept because it is fixed.
   *
   * @param step flow steps done before it in this layer
   * @param index its sequence index
   * @param x its input, [c] in the layer's channel order
   */
  default void onPosition(int layer, int step, int index, double[] x) {}

  /** A Jacobi sweep over the layer. */
  default void onSweep(int layer, JacobiInverse.Sweep sweep) {}

  /** The layer is inverted: its input x, [N][c] in its channel order. */
  default void onLayer(int layer, double[][] x) {}
}
