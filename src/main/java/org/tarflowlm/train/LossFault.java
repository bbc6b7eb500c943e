package org.tarflowlm.train;

/**
 * A test seam: the steps whose loss {@link Trainer} replaces by NaN, so that a test can drive the
 * skip-and-rollback path for non-finite steps without a model that actually diverges. Training
 * itself never sets one ({@link #NONE}).
 */
@FunctionalInterface
interface LossFault {
  LossFault NONE = step -> false;

  /** Whether the loss of the step numbered {@code step} (0-based, over all stages) becomes NaN. */
  boolean poisons(int step);
}
