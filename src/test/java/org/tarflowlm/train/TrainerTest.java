package org.tarflowlm.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tarflowlm.io.ConfigJson;
import org.tarflowlm.model.CouplingType;
import org.tarflowlm.model.Direction;
import org.tarflowlm.model.LayerConfig;
import org.tarflowlm.model.ModelConfig;

class TrainerTest {
  private static final String TEXT = ("the quick brown fox jumps over the lazy dog and then the dog sleeps in the sun "
      + "while the fox runs away into the deep green forest ").repeat(20);

  private static TrainConfig config(Schedule schedule, List<Integer> steps, int layers) {
    List<LayerConfig> all = List.of(
        new LayerConfig(CouplingType.MIXD, Direction.LEFT_TO_RIGHT, 1, 16, 2, 0),
        new LayerConfig(CouplingType.MIX1, Direction.RIGHT_TO_LEFT, 1, 16, 2, 2));
    ModelConfig model = new ModelConfig(ModelConfig.TARFLOWLM, 27, 5, 1, 32, all.subList(0, layers), 3);
    return new TrainConfig(model, schedule, steps, 4, 3e-3, 3e-4, 2, 0.01, 1.0, 4, 64, 0, 3600, 5, 0, 0, Precision.FLOAT32);
  }

  private static List<String> steps(List<String> curves) {
    return curves.stream().map(l -> l.substring(0, l.indexOf(','))).toList();
  }

  private static PrintStream quiet() {
    return new PrintStream(new ByteArrayOutputStream());
  }

  @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
  @org.junit.jupiter.params.provider.EnumSource(Precision.class)
  void killedRunResumesExactlyWhereItStopped(Precision precision, @TempDir Path dir) throws Exception {
    TrainConfig base = config(Schedule.PROGRESSIVE, List.of(6, 4), 2);
    TrainConfig tc = new TrainConfig(base.model(), base.schedule(), base.stageSteps(), base.batch(), base.learningRate(),
        base.minLearningRate(), base.warmupSteps(), base.weightDecay(), base.clipNorm(), base.evalEvery(),
        base.evalChars(), base.patience(), base.checkpointSeconds(), base.seed(), base.codebookSigma(),
        base.inputInitStd(), precision);
    double[] uninterrupted;
    try (NDManager m = NDManager.newBaseManager()) {
      Trainer t = new Trainer(tc, dir.resolve("a"), TEXT, TEXT, m, quiet(), false);
      t.run(() -> false);
      uninterrupted = t.model().params().get("layer1.made.wc").toType(ai.djl.ndarray.types.DataType.FLOAT64, false)
          .toDoubleArray();
    }
    try (NDManager m = NDManager.newBaseManager()) {
      Trainer t = new Trainer(tc, dir.resolve("b"), TEXT, TEXT, m, quiet(), false);
      t.run(() -> t.state().step >= 7); // "killed" in stage 2
      assertEquals(7, t.state().step);
    }
    // killed after the next evaluation but before a checkpoint: the resumed run writes that row again
    List<String> beforeKill = Files.readAllLines(dir.resolve("a").resolve(Trainer.CURVES));
    String next = beforeKill.stream().skip(1).filter(l -> Integer.parseInt(l.substring(0, l.indexOf(','))) > 7)
        .findFirst().orElseThrow(() -> new AssertionError("no evaluation after step 7: " + beforeKill));
    Files.writeString(dir.resolve("b").resolve(Trainer.CURVES), next + System.lineSeparator(),
        java.nio.file.StandardOpenOption.APPEND);
    try (NDManager m = NDManager.newBaseManager()) {
      Trainer t = new Trainer(tc, dir.resolve("b"), TEXT, TEXT, m, quiet(), true);
      assertEquals(7, t.state().step, "resumed at the checkpoint's step");
      assertEquals(1, t.state().stage);
      t.run(() -> false);
      assertEquals(10, t.state().step);
      double[] resumed = t.model().params().get("layer1.made.wc").toType(ai.djl.ndarray.types.DataType.FLOAT64, false)
          .toDoubleArray();
      assertArrayEquals(uninterrupted, resumed, 0.0, "the resumed run is the uninterrupted one, bit for bit");
    }
    assertTrue(Files.exists(dir.resolve("b").resolve(Trainer.BEST).resolve("model.safetensors")));
    List<String> curves = Files.readAllLines(dir.resolve("b").resolve(Trainer.CURVES));
    assertTrue(curves.get(0).startsWith("step,stage"), curves.get(0));
    assertTrue(curves.size() >= 3, "evaluations were recorded: " + curves);
    assertEquals(steps(beforeKill), steps(curves), "one row per evaluation, as in the uninterrupted run");
  }

  @Test
  void finishedRunKeepsItsStateWhenItsCheckpointIsDeleted(@TempDir Path dir) throws Exception {
    try (NDManager m = NDManager.newBaseManager()) {
      Trainer t = new Trainer(config(Schedule.PROGRESSIVE, List.of(3, 2), 2), dir, TEXT, TEXT, m, quiet(), false);
      t.run(() -> false);
    }
    TrainState fromCheckpoint = TrainState.read(dir);
    Files.delete(dir.resolve(TrainState.FILE));
    assertEquals(5, TrainState.read(dir).step(), "read from the checkpoint when there is no state.json");
    Files.writeString(dir.resolve(TrainState.FILE), ConfigJson.GSON.toJson(fromCheckpoint));
    Files.delete(dir.resolve(Trainer.CHECKPOINT));
    TrainState kept = TrainState.read(dir);
    assertEquals(5, kept.step());
    assertEquals(2, kept.stageBest().size(), "best validation bpc of both stages");
    assertEquals(fromCheckpoint.seconds(), kept.seconds(), 0);
  }

  @Test
  void initialisationFollowsTheTrainingConfig(@TempDir Path dir) throws Exception {
    TrainConfig base = config(Schedule.PROGRESSIVE, List.of(6), 1);
    TrainConfig tc = base.withInit(0.1, 0.02);
    try (NDManager m = NDManager.newBaseManager()) {
      float[] defaultIn = new Trainer(base, dir.resolve("default"), TEXT, TEXT, m, quiet(), false)
          .model().params().get("layer0.in.w").toFloatArray();
      Trainer t = new Trainer(tc, dir.resolve("set"), TEXT, TEXT, m, quiet(), false);
      for (float logSigma : t.model().params().get("codebook.log_sigma").toFloatArray()) {
        assertEquals(Math.log(0.1), logSigma, 1e-6);
      }
      float[] in = t.model().params().get("layer0.in.w").toFloatArray();
      for (int i = 0; i < in.length; i++) { // the same draw, from std 1/sqrt(5) to 0.02
        assertEquals(defaultIn[i] * 0.02 * Math.sqrt(5), in[i], 1e-6);
      }
    }
    TrainConfig saved = ConfigJson.read(dir.resolve("set").resolve(Trainer.TRAIN_CONFIG), TrainConfig.class);
    assertEquals(0.1, saved.codebookSigma(), "the saved config says how the run started");
    assertEquals(0.02, saved.inputInitStd());
  }

  @Test
  void trainingLowersTheLoss(@TempDir Path dir) throws Exception {
    TrainConfig tc = config(Schedule.PROGRESSIVE, List.of(40), 1);
    try (NDManager m = NDManager.newBaseManager()) {
      Trainer t = new Trainer(tc, dir, TEXT, TEXT, m, quiet(), false);
      t.run(() -> false);
      assertEquals(1, t.state().stageBest.size());
      assertTrue(t.state().stageBest.get(0) < Math.log(27) / Math.log(2) - 0.3,
          "validation bpc " + t.state().stageBest.get(0) + " should be well under the uniform 4.75");
    }
  }

  @Test
  void jointTrainingTrainsEveryLayerAtOnce(@TempDir Path dir) throws Exception {
    TrainConfig tc = config(Schedule.JOINT, List.of(3), 2);
    try (NDManager m = NDManager.newBaseManager()) {
      Trainer t = new Trainer(tc, dir, TEXT, TEXT, m, quiet(), false);
      float[] before = t.model().params().get("layer1.made.wo").toType(ai.djl.ndarray.types.DataType.FLOAT32, true).toFloatArray();
      float[] codebookBefore = t.model().params().get("codebook.mu").toType(ai.djl.ndarray.types.DataType.FLOAT32, true).toFloatArray();
      t.run(() -> false);
      float[] after = t.model().params().get("layer1.made.wo").toType(ai.djl.ndarray.types.DataType.FLOAT32, true).toFloatArray();
      float[] codebookAfter = t.model().params().get("codebook.mu").toType(ai.djl.ndarray.types.DataType.FLOAT32, true).toFloatArray();
      assertTrue(differs(before, after), "the second layer was trained");
      assertTrue(differs(codebookBefore, codebookAfter), "the codebook was trained through both layers");
    }
  }

  @Test
  void nonFiniteStepsAreSkippedThenRolledBackWithALowerLearningRate(@TempDir Path dir) throws Exception {
    TrainConfig tc = config(Schedule.PROGRESSIVE, List.of(12), 1);
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    try (NDManager m = NDManager.newBaseManager()) {
      Trainer t = new Trainer(tc, dir, TEXT, TEXT, m, new PrintStream(log), false);
      int[] hits = {0};
      t.injectLossFault(step -> step >= 5 && hits[0]++ < Trainer.MAX_BAD_STEPS); // three in a row, once
      t.run(() -> false);
      assertEquals(Trainer.MAX_BAD_STEPS, t.state().skippedSteps);
      assertEquals(1, t.state().rollbacks);
      assertEquals(0.5, t.state().lrScale);
      assertTrue(log.toString().contains("rolled back"), log.toString());
      for (float v : t.model().params().get("layer0.head.w").toFloatArray()) {
        assertTrue(Float.isFinite(v), "no NaN reached the weights");
      }
    }
  }

  private static boolean differs(float[] a, float[] b) {
    for (int i = 0; i < a.length; i++) {
      if (a[i] != b[i]) {
        return true;
      }
    }
    return false;
  }
}
