package org.tarflowlm.train;

import java.util.List;
import org.tarflowlm.model.ModelConfig;

/**
 * Everything that fixes a training run; saved as {@code train.json} in the run folder so that a
 * run can be resumed and a model card can say how its model was made.
 *
 * @param model the model to train
 * @param schedule {@code progressive} (one stage per flow layer: layer 1 with the codebook, then
 *     freeze and add the next) or {@code joint} (every layer from the start); the baseline has one stage.
 *     JSON spellings of this and {@code precision} are strict: a misspelt one is an error naming the
 *     allowed ones (io/StrictEnumAdapter)
 * @param stageSteps step budget of each stage (one entry for joint or baseline training)
 * @param batch sequences per step
 * @param learningRate Adam's peak learning rate, reached after warm-up, then cosine decay to
 *     {@code minLearningRate} over the stage
 * @param warmupSteps linear warm-up at the start of each stage
 * @param weightDecay decoupled (AdamW) decay of matrices
 * @param clipNorm global gradient norm clip
 * @param evalEvery steps between validation evaluations
 * @param evalChars validation characters per evaluation (a fixed prefix of the validation split)
 * @param patience evaluations without improvement that end a stage early (0: never)
 * @param checkpointSeconds seconds between checkpoints
 * @param seed seed of batches and encoder noise
 * @param codebookSigma sigma every codebook Gaussian starts from (0: the model's default, 0.3);
 *     a smaller one gives layer 1 cleaner inputs from the first step (absent in older configs)
 * @param inputInitStd std every transformer's input projection starts from (0: the model's
 *     default, 1/sqrt(channels), which puts a latent's content about 50 times above the position
 *     embedding; absent in older configs)
 * @param precision {@code float32} or {@code float64}: the type of the weights and activations
 *     (the mixture couplings compute in float64 either way). Absent (null), as in configs written
 *     before float32 could train jointly: float64 for joint training of a stack, float32 otherwise
 */
public record TrainConfig(
    ModelConfig model, Schedule schedule, List<Integer> stageSteps, int batch, double learningRate,
    double minLearningRate, int warmupSteps, double weightDecay, double clipNorm, int evalEvery,
    int evalChars, int patience, int checkpointSeconds, long seed, double codebookSigma,
    double inputInitStd, Precision precision) {

  public TrainConfig {
    if (model == null) {
      throw new IllegalArgumentException("a training config needs a model");
    }
    if (schedule == null) {
      throw new IllegalArgumentException("a training config needs a schedule, 'progressive' or 'joint'");
    }
    int stages = stages(model, schedule);
    if (stageSteps == null || stageSteps.size() != stages || stageSteps.stream().anyMatch(s -> s == null || s < 1)) {
      throw new IllegalArgumentException("stageSteps needs " + stages + " positive entries, got " + stageSteps);
    }
    if (batch < 1 || learningRate <= 0 || warmupSteps < 0 || clipNorm <= 0 || evalEvery < 1 || evalChars < model.seqLen()) {
      throw new IllegalArgumentException(
          "need batch >= 1, learningRate > 0, clipNorm > 0, evalEvery >= 1 and evalChars >= seqLen");
    }
    if (codebookSigma < 0) {
      throw new IllegalArgumentException("codebookSigma must be positive, or 0 for the default; got " + codebookSigma);
    }
    if (codebookSigma > 0 && model.isBaseline()) {
      throw new IllegalArgumentException("codebookSigma is for a flow model: the baseline has no codebook");
    }
    if (inputInitStd < 0) {
      throw new IllegalArgumentException("inputInitStd must be positive, or 0 for the default; got " + inputInitStd);
    }
  }

  /** The same run with other initialisation choices. */
  public TrainConfig withInit(double codebookSigma, double inputInitStd) {
    return new TrainConfig(model, schedule, stageSteps, batch, learningRate, minLearningRate, warmupSteps, weightDecay,
        clipNorm, evalEvery, evalChars, patience, checkpointSeconds, seed, codebookSigma, inputInitStd, precision);
  }

  /** Whether the weights are float64: the precision given, or the default for a config without one. */
  public boolean float64() {
    if (precision != null) {
      return precision == Precision.FLOAT64;
    }
    return !model.isBaseline() && schedule == Schedule.JOINT && model.layers().size() > 1;
  }

  /** Number of stages a model and schedule give. */
  private static int stages(ModelConfig model, Schedule schedule) {
    return model.isBaseline() || schedule == Schedule.JOINT ? 1 : model.layers().size();
  }

  public int stages() {
    return stages(model, schedule);
  }

  /** Total step budget over all stages. */
  public int totalSteps() {
    return stageSteps.stream().mapToInt(Integer::intValue).sum();
  }
}
