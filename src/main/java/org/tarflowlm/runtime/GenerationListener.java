package org.tarflowlm.runtime;

/** Hears a generation as it is produced; called on the generating thread. */
public interface GenerationListener {
  /**
   * The layout is known, before the first step: {@code layout} is what will be written, its fixed
   * characters (a prompt as the model reads it: normalized and left-padded to a multiple of P) and a
   * space at every blank. Step positions index into it. {@code noise} is the text the starting noise
   * u decodes to as it stands, the state before the first pass (empty for the discrete baseline).
   */
  default void onStart(Template layout, String noise) {}

  /**
   * A position was written.
   *
   * @param iteration prompt-conditioning iteration
   * @param layer the layer being inverted (1-based), or 0 for the baseline
   * @param step steps done in this pass, in the pass's own order
   * @param position first character index of the position written
   * @param chars the characters the written latent decodes to (P of them)
   */
  default void onStep(int iteration, int layer, int step, int position, String chars) {}

  /** A Jacobi sweep finished (Jacobi decoding only; the pass's positions are not reported one by one). */
  default void onSweep(SweepResult sweep) {}

  /** A pass finished. */
  default void onPass(PassResult pass) {}

  GenerationListener NONE = new GenerationListener() {};
}
