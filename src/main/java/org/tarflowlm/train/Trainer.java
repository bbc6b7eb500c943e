package org.tarflowlm.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.tarflowlm.io.ConfigJson;
import org.tarflowlm.io.ModelFolder;
import org.tarflowlm.model.LanguageModel;
import org.tarflowlm.model.RandomStream;
import org.tarflowlm.model.Vocabulary;
import org.tarflowlm.runtime.EvalResult;
import org.tarflowlm.runtime.Evaluator;
import org.tarflowlm.runtime.Noise;
import org.tarflowlm.runtime.TrainingCurves;

/**
 * Trains a TarFlowLM (maximizing the ELBO with reparameterized encoder samples) or the discrete
 * baseline (maximizing the log-likelihood) with AdamW, warm-up and cosine decay, gradient clipping,
 * progressive or joint stages, periodic validation, atomic checkpoints and resume. This class is
 * the loop; its parts live beside it: {@link LearningRateSchedule}, {@link Checkpoint},
 * {@link Initialization}, {@link ProgressLine}, and {@link TrainingCurves} for {@code curves.csv}.
 *
 * <p>A run folder holds {@code train.json}, {@code checkpoint.safetensors} (weights, optimizer
 * state and {@link TrainState}), {@code state.json} (the same state, kept when a finished run's checkpoint
 * is deleted), {@code curves.csv} and {@code best/} (the model folder of the best
 * validation bpc so far).
 */
public final class Trainer {
  public static final String TRAIN_CONFIG = "train.json";
  public static final String CHECKPOINT = "checkpoint.safetensors";
  public static final String CURVES = TrainingCurves.FILE;
  public static final String BEST = "best";
  /** Steps between progress lines. */
  static final int PROGRESS_EVERY = 25;
  /** Non-finite steps in a row that trigger a rollback to the last checkpoint. */
  static final int MAX_BAD_STEPS = 3;

  private final TrainConfig config;
  private final Path runDir;
  private final String train;
  private final String validation;
  private final NDManager manager;
  private final PrintStream log;
  private final LanguageModel model;
  private final Adam adam;
  private final LearningRateSchedule schedule;
  private TrainState state = new TrainState();
  private LossFault lossFault = LossFault.NONE;
  private long lastCheckpointNanos = System.nanoTime();
  private int badStreak;

  /**
   * @param resume continue from the run folder's checkpoint (which must exist) instead of starting
   */
  public Trainer(TrainConfig config, Path runDir, String train, String validation, NDManager manager,
      PrintStream log, boolean resume) throws IOException {
    if (train.length() <= config.model().seqLen()) {
      throw new IllegalArgumentException("the training text has " + train.length()
          + " characters, fewer than one sequence of " + config.model().seqLen());
    }
    this.config = config;
    this.runDir = runDir;
    this.train = train;
    this.validation = validation.substring(0, Math.min(validation.length(), config.evalChars()));
    this.manager = manager;
    this.log = log;
    this.model = ModelFolder.create(config.model(), manager, config.float64() ? DataType.FLOAT64 : DataType.FLOAT32);
    this.adam = new Adam(manager.newSubManager(), config.weightDecay(), model.params().dtype());
    this.schedule = LearningRateSchedule.of(config);
    Files.createDirectories(runDir);
    if (resume) {
      state = Checkpoint.restore(runDir.resolve(CHECKPOINT), model.params(), adam);
      TrainingCurves.trimAfter(runDir.resolve(CURVES), state.step);
      log.printf(Locale.ROOT, "resumed at step %d (stage %d, step %d of the stage)%n", state.step, state.stage + 1, state.stageStep);
    } else {
      Initialization.apply(config, model.params());
      ConfigJson.write(runDir.resolve(TRAIN_CONFIG), config);
      TrainingCurves.create(runDir.resolve(CURVES));
      checkpoint(); // a rollback always has somewhere to go
    }
  }

  /** Tests only: replaces the loss of the steps {@code fault} names by NaN (see {@link LossFault}). */
  void injectLossFault(LossFault fault) {
    this.lossFault = fault;
  }

  public LanguageModel model() {
    return model;
  }

  public TrainState state() {
    return state;
  }

  /** Runs until every stage is done or {@code stop} says so; always leaves a checkpoint behind. */
  public void run(BooleanSupplier stop) throws IOException {
    long sessionStart = System.nanoTime();
    double secondsAtStart = state.seconds;
    long windowStart = System.nanoTime();
    int windowSteps = 0;
    double windowLoss = 0;
    while (state.stage < config.stages()) {
      setTrainable(state.stage);
      int budget = config.stageSteps().get(state.stage);
      boolean stageOver = state.stageStep >= budget;
      while (!stageOver) {
        if (stop.getAsBoolean()) {
          state.seconds = secondsAtStart + (System.nanoTime() - sessionStart) / 1e9;
          checkpoint();
          log.println("stopped; checkpoint written at step " + state.step);
          return;
        }
        double loss = step();
        if (Double.isFinite(loss)) {
          windowLoss += loss;
          windowSteps++;
        }
        state.seconds = secondsAtStart + (System.nanoTime() - sessionStart) / 1e9;
        if (state.stageStep % PROGRESS_EVERY == 0 && windowSteps > 0) {
          double elapsed = (System.nanoTime() - windowStart) / 1e9;
          log.println(ProgressLine.of(config, state, windowLoss / windowSteps / Math.log(2),
              windowSteps * (double) config.batch() * config.model().seqLen() / elapsed));
        }
        boolean evalNow = state.stageStep % config.evalEvery() == 0 || state.stageStep >= budget;
        if (evalNow) {
          double elapsed = (System.nanoTime() - windowStart) / 1e9;
          double charsPerSecond = windowSteps * (double) config.batch() * config.model().seqLen() / elapsed;
          double trainBpc = windowLoss / Math.max(1, windowSteps) / Math.log(2);
          double val = validate();
          stageOver = record(val, trainBpc, charsPerSecond, budget);
          windowStart = System.nanoTime();
          windowSteps = 0;
          windowLoss = 0;
        }
        stageOver |= state.stageStep >= budget;
        if ((System.nanoTime() - lastCheckpointNanos) / 1e9 > config.checkpointSeconds()) {
          checkpoint();
        }
      }
      finishStage();
    }
    checkpoint();
    log.printf(Locale.ROOT, "done: best validation bpc at the end of each stage %s, %d steps, %.0f s%n", state.stageBest,
        state.step, state.seconds);
  }

  /**
   * Times {@code steps} optimizer steps after two warm-up steps, without evaluating or writing
   * anything: training characters per second, for benchmarks.
   */
  public double measureCharsPerSecond(int steps) throws IOException {
    setTrainable(state.stage);
    step();
    step();
    long start = System.nanoTime();
    for (int i = 0; i < steps; i++) {
      step();
    }
    return steps * (double) config.batch() * config.model().seqLen() / ((System.nanoTime() - start) / 1e9);
  }

  /** One optimizer step; returns the training loss in nats per character (NaN when skipped). */
  private double step() throws IOException {
    // The in-place updates below need the engine's gradient mode off on this thread. The engine turns
    // it off on the thread it starts on, and the gradient collector restores what it found; a thread
    // that did not start the engine is in libtorch's default, on, and the updates failed there.
    boolean gradMode = JniUtils.isGradMode();
    JniUtils.setGradMode(false);
    try {
      return optimizerStep();
    } finally {
      JniUtils.setGradMode(gradMode);
    }
  }

  private double optimizerStep() throws IOException {
    int b = config.batch();
    int t = config.model().seqLen();
    Noise windows = new Noise(config.seed(), RandomStream.Purpose.TRAIN_BATCHES, state.step);
    Noise noise = new Noise(config.seed(), RandomStream.Purpose.TRAIN_NOISE, state.step);
    double lossValue;
    try (NDManager scope = manager.newSubManager()) {
      NDArray ids = batch(scope, windows, b, t);
      List<Map.Entry<String, NDArray>> trainable = trainableParams();
      NDArray loss;
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        loss = loss(ids, noise, scope); // mean nats per character
        gc.backward(loss);
      }
      lossValue = loss.toType(DataType.FLOAT64, false).getDouble();
      List<NDArray> grads = new ArrayList<>();
      NDArray sq = null;
      for (Map.Entry<String, NDArray> e : trainable) {
        NDArray g = e.getValue().getGradient();
        g.attach(scope);
        grads.add(g);
        NDArray s = g.square().sum();
        sq = sq == null ? s : sq.add(s);
      }
      double norm = Math.sqrt(sq.toType(DataType.FLOAT64, false).getDouble());
      if (!Double.isFinite(lossValue) || !Double.isFinite(norm)) {
        grads.forEach(g -> g.set(new NDIndex("..."), 0));
        state.skippedSteps++;
        state.step++; // the batch is skipped: retrying it with the same weights would fail the same way
        state.stageStep++;
        badStreak++;
        log.printf(Locale.ROOT, "step %d: non-finite loss or gradient (loss %s, |g| %s), skipped%n", state.step, lossValue, norm);
        if (badStreak >= MAX_BAD_STEPS) {
          rollback();
        }
        return Double.NaN;
      }
      badStreak = 0;
      double clip = Math.min(1, config.clipNorm() / (norm + 1e-12));
      double lr = learningRate();
      for (int i = 0; i < trainable.size(); i++) {
        NDArray g = grads.get(i);
        adam.update(trainable.get(i).getKey(), trainable.get(i).getValue(), clip < 1 ? g.mul(clip) : g, lr, scope);
        g.set(new NDIndex("..."), 0);
      }
    }
    state.step++;
    state.stageStep++;
    return lossValue;
  }

  /** -ELBO (flow) or -log p (baseline), in nats per character, averaged over the batch. */
  private NDArray loss(NDArray ids, Noise noise, NDManager scope) {
    long b = ids.getShape().get(0);
    long t = ids.getShape().get(1);
    NDArray ll = model.logLikelihood(ids, shape -> noise.normal(scope, model.params().dtype(), shape.getShape()),
        activeLayers());
    NDArray loss = ll.sum().neg().div(b * t);
    return lossFault.poisons(state.step) ? loss.mul(Double.NaN) : loss;
  }

  /** B random windows of T characters from the training text: [B, T] ids. */
  private NDArray batch(NDManager scope, Noise noise, int b, int t) {
    int[] ids = new int[b * t];
    for (int i = 0; i < b; i++) {
      int start = noise.nextInt(train.length() - t);
      for (int j = 0; j < t; j++) {
        ids[i * t + j] = Vocabulary.id(train.charAt(start + j));
      }
    }
    return scope.create(ids, new Shape(b, t));
  }

  private double learningRate() {
    return schedule.at(state.stageStep, config.stageSteps().get(state.stage), state.lrScale);
  }

  /** Flow layers the current stage trains with: the ones built so far in progressive training. */
  private int activeLayers() {
    return progressive() ? state.stage + 1 : config.model().layers().size();
  }

  private double validate() {
    EvalResult r = new Evaluator(model, manager, activeLayers()).evaluate(validation, 1, new Noise(config.seed(), RandomStream.Purpose.VALIDATION_NOISE), config.batch(), () -> false);
    return r.bitsPerChar();
  }

  /** Logs and records an evaluation; returns true when patience ends the stage. */
  private boolean record(double val, double trainBpc, double charsPerSecond, int budget) throws IOException {
    if (val < state.bestValBpc) {
      state.bestValBpc = val;
      state.bestStep = state.step;
      state.evalsWithoutImprovement = 0;
      ModelFolder.save(model, runDir.resolve(BEST));
    } else {
      state.evalsWithoutImprovement++;
    }
    TrainingCurves.append(runDir.resolve(CURVES), new TrainingCurves.Point(state.step, state.stage + 1, state.stageStep,
        learningRate(), trainBpc, val, charsPerSecond, state.seconds));
    log.printf(Locale.ROOT, "%s | val %.4f bpc (best %.4f)%n", ProgressLine.of(config, state, trainBpc, charsPerSecond), val,
        state.bestValBpc);
    boolean patienceOut = config.patience() > 0 && state.evalsWithoutImprovement >= config.patience();
    if (patienceOut && state.stageStep < budget) {
      log.printf(Locale.ROOT, "stage %d: no improvement in %d evaluations, ending it at step %d of %d%n",
          state.stage + 1, config.patience(), state.stageStep, budget);
    }
    return patienceOut;
  }

  /** Ends a stage: the best weights so far carry into the next stage (or are the result). */
  private void finishStage() throws IOException {
    Path best = runDir.resolve(BEST).resolve(ModelFolder.WEIGHTS);
    if (Files.exists(best)) {
      ModelFolder.loadWeights(model, best);
    }
    state.stageBest.add(state.bestValBpc);
    log.printf(Locale.ROOT, "stage %d done: best validation %.4f bpc%n", state.stage + 1, state.bestValBpc);
    // The next stage's model has one more layer, so its figures are compared among themselves.
    state.bestValBpc = Double.POSITIVE_INFINITY;
    state.stage++;
    state.stageStep = 0;
    state.evalsWithoutImprovement = 0;
    checkpoint();
  }

  /** Whether stages add flow layers one by one (the baseline has a single stage either way). */
  private boolean progressive() {
    return config.schedule() == Schedule.PROGRESSIVE && !config.model().isBaseline();
  }

  private void setTrainable(int stage) {
    boolean progressive = progressive();
    model.params().all().forEach((name, a) -> a.setRequiresGradient(
        !progressive || name.startsWith("layer" + stage + ".") || (stage == 0 && name.startsWith("codebook."))));
  }

  private List<Map.Entry<String, NDArray>> trainableParams() {
    List<Map.Entry<String, NDArray>> out = new ArrayList<>();
    for (Map.Entry<String, NDArray> e : model.params().all().entrySet()) {
      if (e.getValue().hasGradient()) {
        out.add(e);
      }
    }
    return out;
  }

  /** Writes the checkpoint and the run folder's copy of the state. */
  private void checkpoint() throws IOException {
    Checkpoint.write(runDir.resolve(CHECKPOINT), model.params(), adam, state);
    state.write(runDir);
    lastCheckpointNanos = System.nanoTime();
  }

  /** Back to the last checkpoint with half the learning rate, after repeated non-finite steps. */
  private void rollback() throws IOException {
    int skipped = state.skippedSteps;
    int rollbacks = state.rollbacks;
    double lrScale = state.lrScale;
    state = Checkpoint.restore(runDir.resolve(CHECKPOINT), model.params(), adam);
    TrainingCurves.trimAfter(runDir.resolve(CURVES), state.step);
    state.skippedSteps = skipped;
    state.rollbacks = rollbacks + 1;
    state.lrScale = lrScale * 0.5;
    badStreak = 0;
    log.printf(Locale.ROOT, "rolled back to the checkpoint at step %d with learning rate scale %.3g%n", state.step, state.lrScale);
  }
}
