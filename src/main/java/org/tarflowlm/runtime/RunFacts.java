package org.tarflowlm.runtime;

import java.util.List;

/**
 * What a model card says of the training run that made its model, as plain values: the runtime
 * knows nothing of the trainer's types, so the card command reads them from the run folder.
 *
 * @param name the run folder's name; the card points at {@code runs/NAME}
 * @param configJson the run's training config, as the card quotes it
 * @param joint whether every layer trained from the first step ({@code "schedule": "joint"})
 * @param totalSteps the step budget over all stages
 * @param batch sequences per step
 * @param evalChars validation characters of each evaluation during training
 * @param step steps done
 * @param seconds wall time spent training, over all sessions
 * @param stageBest best validation bpc at the end of each finished stage
 * @param evaluations rows of the run's curves.csv
 * @param command the command line that trained the run, as its checkpoint records it (the Python
 *     trainer's), or empty for the Java trainer's, which the card writes itself
 */
public record RunFacts(String name, String configJson, boolean joint, int totalSteps, int batch, int evalChars,
    int step, double seconds, List<Double> stageBest, int evaluations, String command) {
  public RunFacts {
    stageBest = List.copyOf(stageBest);
    command = command == null ? "" : command;
  }
}
