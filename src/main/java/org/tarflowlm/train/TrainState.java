package org.tarflowlm.train;

import java.util.ArrayList;
import java.util.List;

/**
 * Where a training run stands; saved inside every checkpoint so that {@code train --resume}
 * continues exactly where a killed run stopped. Batches and noise are drawn from (seed, step), so
 * the step is the whole random state.
 */
public final class TrainState {
  /** Steps done over all stages. */
  int step;
  /** Current stage. */
  int stage;
  /** Steps done in the current stage. */
  int stageStep;
  /** Best validation bpc of the current stage and the step it was reached at. */
  double bestValBpc = Double.POSITIVE_INFINITY;
  int bestStep = -1;
  /** Evaluations in this stage since the last improvement. */
  int evalsWithoutImprovement;
  /** Best validation bpc at the end of each finished stage. */
  List<Double> stageBest = new ArrayList<>();
  /** Multiplies the learning rate; halved on every rollback after non-finite losses. */
  double lrScale = 1;
  /** Steps skipped for a non-finite loss or gradient, and rollbacks to the last checkpoint. */
  int skippedSteps;
  int rollbacks;
  /** Wall time spent training, over all sessions of the run. */
  double seconds;
}
