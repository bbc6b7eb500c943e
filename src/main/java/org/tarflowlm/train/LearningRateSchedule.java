package org.tarflowlm.train;

/**
 * The learning rate of a step: a linear warm-up to the peak, then cosine decay to the floor at the
 * end of the stage, restarted in every stage (a progressive stage trains a fresh layer). Both peak
 * and floor are multiplied by the run's scale, which every rollback after non-finite steps halves.
 *
 * @param peak the rate reached at the end of warm-up ({@code learningRate})
 * @param floor the rate at the end of a stage ({@code minLearningRate})
 * @param warmupSteps steps of the linear warm-up at the start of each stage
 */
record LearningRateSchedule(double peak, double floor, int warmupSteps) {
  static LearningRateSchedule of(TrainConfig config) {
    return new LearningRateSchedule(config.learningRate(), config.minLearningRate(), config.warmupSteps());
  }

  /**
   * @param stageStep steps done in the stage before this one
   * @param stageSteps the stage's step budget
   * @param scale the run's learning-rate scale (1 until a rollback)
   */
  double at(int stageStep, int stageSteps, double scale) {
    double top = peak * scale;
    double bottom = floor * scale;
    if (stageStep < warmupSteps) {
      return top * (stageStep + 1) / warmupSteps;
    }
    double progress = Math.min(1, (stageStep - warmupSteps) / (double) Math.max(1, stageSteps - warmupSteps));
    return bottom + (top - bottom) * 0.5 * (1 + Math.cos(Math.PI * progress));
  }
}
