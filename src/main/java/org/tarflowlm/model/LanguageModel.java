package org.tarflowlm.model;

/** What the runtime, the trainer and the weight files share across the flow model and the baseline. */
public interface LanguageModel {
  ModelConfig config();

  Params params();
}
