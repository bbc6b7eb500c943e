package org.tarflowlm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tarflowlm.corpus.Corpus;
import org.tarflowlm.corpus.CorpusSplits;
import org.tarflowlm.corpus.SplitDocuments;
import org.tarflowlm.io.ModelFolder;
import org.tarflowlm.model.CouplingType;
import org.tarflowlm.model.Direction;
import org.tarflowlm.model.LayerConfig;
import org.tarflowlm.model.ModelConfig;
import org.tarflowlm.model.TarFlowLM;
import org.tarflowlm.train.Schedule;
import org.tarflowlm.train.TrainConfig;
import org.tarflowlm.train.Trainer;

/** Errors reach the user as one line on stderr and a non-zero exit code, never a stack trace. */
class CommandLineTest {
  private static String[] run(int expectedCode, String... args) {
    StringWriter err = new StringWriter();
    int code = Main.run(args, new PrintWriter(err, true));
    assertEquals(expectedCode, code, err.toString());
    return new String[] {err.toString()};
  }

  /** An untrained one-layer model folder with a context of 32 characters. */
  private static Path tinyModel(Path dir) throws java.io.IOException {
    Path model = dir.resolve("m");
    ModelConfig cfg = new ModelConfig(ModelConfig.TARFLOWLM, 27, 5, 1, 32,
        List.of(new LayerConfig(CouplingType.MIXD, Direction.LEFT_TO_RIGHT, 1, 16, 2, 0)), 1);
    try (NDManager m = NDManager.newBaseManager()) {
      ModelFolder.save(new TarFlowLM(cfg, m), model);
    }
    return model;
  }

  @Test
  void missingModelFolderIsAClearError(@TempDir Path dir) {
    String err = run(1, "info", "--model", dir.resolve("nope").toString())[0];
    assertTrue(err.startsWith("tarflowlm info: "), err);
    assertTrue(err.contains("not a model folder"), err);
    assertFalse(err.contains("\tat "), "no stack trace: " + err);
  }

  @Test
  void corruptWeightsAreAClearError(@TempDir Path dir) throws Exception {
    Path model = tinyModel(dir);
    Files.write(model.resolve(ModelFolder.WEIGHTS), new byte[] {1, 2, 3});
    String err = run(1, "trace", "--model", model.toString(), "hello")[0];
    assertTrue(err.contains("model.safetensors"), err);
  }

  @Test
  void missingWeightsAreAClearError(@TempDir Path dir) throws Exception {
    Path model = tinyModel(dir);
    Files.delete(model.resolve(ModelFolder.WEIGHTS));
    String err = run(1, "info", "--model", model.toString())[0];
    assertTrue(err.contains("model.safetensors: file not found"), err);
  }

  @Test
  void textLongerThanTheContextIsAClearError(@TempDir Path dir) throws Exception {
    Path model = tinyModel(dir);
    String err = run(1, "trace", "--model", model.toString(), "x".repeat(40))[0];
    assertTrue(err.contains("context of 32"), err);
    run(0, "trace", "--model", model.toString(), "hello there");
  }

  @Test
  void cardInstallsTheBestWeightsAndMeasuresEachLayer(@TempDir Path dir) throws Exception {
    String text = "the quick brown fox jumps over the lazy dog and the dog sleeps in the sun ".repeat(12);
    ModelConfig model = new ModelConfig(ModelConfig.TARFLOWLM, 27, 5, 1, 32, List.of(
        new LayerConfig(CouplingType.MIXD, Direction.LEFT_TO_RIGHT, 1, 16, 2, 0),
        new LayerConfig(CouplingType.MIX1, Direction.RIGHT_TO_LEFT, 1, 16, 2, 2)), 3);
    TrainConfig tc = new TrainConfig(model, Schedule.PROGRESSIVE, List.of(4, 2), 4, 3e-3, 3e-4, 1, 0.01, 1.0, 2, 64, 0, 3600, 5, 0, 0, null);
    Path run = dir.resolve("run");
    try (NDManager m = NDManager.newBaseManager()) {
      new Trainer(tc, run, text, text, m, new java.io.PrintStream(new java.io.ByteArrayOutputStream()), false).run(() -> false);
    }
    Path splits = dir.resolve("splits");
    Corpus.writeSplits(new CorpusSplits(text, text, text, new SplitDocuments(List.of("a"), List.of("b"), List.of("c")), List.of()), splits);
    Path installed = dir.resolve("models").resolve("tiny");
    run(0, "card", "--run", run.toString(), "--model", installed.toString(), "--install", "--splits", splits.toString(),
        "--samples", "2");
    String card = Files.readString(installed.resolve(ModelFolder.CARD));
    assertTrue(card.contains("| 1..1 |") && card.contains("| 1..2 |"), card);
    assertTrue(card.contains("stage 1: ") && card.contains("stage 2: "), card);
    assertTrue(card.contains("| 2 | 1 |"), "the second pass inverts layer 1: " + card);
    assertEquals(Files.readString(run.resolve(Trainer.CURVES)), Files.readString(installed.resolve(Trainer.CURVES)));
    assertTrue(Files.exists(installed.resolve(ModelFolder.WEIGHTS)));
    run(0, "info", "--model", installed.toString());
  }

  @Test
  void missingOrBinaryTextFileIsSaidInWords(@TempDir Path dir) throws Exception {
    Path model = tinyModel(dir);
    String missing = run(1, "eval", "--model", model.toString(), "--text", dir.resolve("nope.txt").toString())[0];
    assertTrue(missing.contains("there is no file ") && missing.contains("nope.txt"), missing);
    Path binary = dir.resolve("blob.bin");
    Files.write(binary, new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1, (byte) 0xc3});
    String notText = run(1, "eval", "--model", model.toString(), "--text", binary.toString())[0];
    assertTrue(notText.contains("is not UTF-8 text"), notText);
  }

  @Test
  void launcherKeepsOneClasspathPerSetOfMavenArguments() throws Exception {
    assertFalse(launcherClasspathFile("").equals(launcherClasspathFile("-Pgpu")),
        "a CPU run's cached classpath must not serve a -Pgpu run");
    assertEquals(launcherClasspathFile("-Pgpu"), launcherClasspathFile("-Pgpu"));
  }

  private static String launcherClasspathFile(String mvnArgs) throws Exception {
    ProcessBuilder pb = new ProcessBuilder("bash", "bin/tarflowlm", "--classpath-file");
    pb.environment().put("TARFLOWLM_MVN_ARGS", mvnArgs);
    Process p = pb.redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).trim();
    assertEquals(0, p.waitFor(), out);
    return out;
  }

  @Test
  void unknownOptionIsAUsageError() {
    String err = run(2, "generate", "--no-such-option")[0];
    assertTrue(err.contains("Unknown option"), err);
  }
}
