package org.tarflowlm.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.tarflowlm.io.AtomicFiles;
import org.tarflowlm.io.ConfigJson;
import org.tarflowlm.io.ModelFormatException;
import org.tarflowlm.io.Safetensors;

/**
 * Where a training run stands; saved inside every checkpoint so that {@code train --resume}
 * continues exactly where a killed run stopped. Batches and noise are drawn from (seed, step), so
 * the step is the whole random state.
 *
 * <p>It is also written beside the checkpoint as {@code state.json}, which stays in the run folder
 * when a finished run's checkpoint is deleted, so that its card can still be made.
 */
public final class TrainState {
  /** The run folder's copy of the state. */
  public static final String FILE = "state.json";

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

  public int step() {
    return step;
  }

  public double seconds() {
    return seconds;
  }

  /** Best validation bpc at the end of each finished stage. */
  public List<Double> stageBest() {
    return List.copyOf(stageBest);
  }

  void write(Path runDir) throws IOException {
    AtomicFiles.writeString(runDir.resolve(FILE), ConfigJson.GSON.toJson(this));
  }

  /** The state of a run: its {@code state.json}, or, in runs made before that file, the checkpoint's. */
  public static TrainState read(Path runDir) throws IOException {
    Path json = runDir.resolve(FILE);
    if (Files.exists(json)) {
      return ConfigJson.read(json, TrainState.class);
    }
    Path checkpoint = runDir.resolve(Trainer.CHECKPOINT);
    if (!Files.exists(checkpoint)) {
      throw new ModelFormatException(runDir, "the run folder has neither " + FILE + " nor " + Trainer.CHECKPOINT
          + ": it is not a training run, or it never reached its first checkpoint");
    }
    String state = Safetensors.readMetadata(checkpoint).get("state");
    if (state == null) {
      throw new ModelFormatException(checkpoint, "the checkpoint carries no training state");
    }
    return ConfigJson.GSON.fromJson(state, TrainState.class);
  }
}
