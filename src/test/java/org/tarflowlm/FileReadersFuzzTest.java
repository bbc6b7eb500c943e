package org.tarflowlm;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import ai.djl.ndarray.NDManager;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.tarflowlm.io.ConfigJson;
import org.tarflowlm.io.ModelFolder;
import org.tarflowlm.io.Safetensors;
import org.tarflowlm.model.CouplingType;
import org.tarflowlm.model.Direction;
import org.tarflowlm.model.LanguageModel;
import org.tarflowlm.model.LayerConfig;
import org.tarflowlm.model.ModelConfig;
import org.tarflowlm.runtime.RunFiles;
import org.tarflowlm.train.TrainConfig;

/**
 * Every file a user can open from anywhere either loads or is refused with our own error, one
 * that names the file and says what is wrong in words: never another exception, a hang, or an
 * allocation sized by the file's claims rather than its bytes (docs/FUZZING.md).
 *
 * <p>Each {@link FuzzTest} replays its seeds (real files, in {@code FileReadersFuzzTestInputs})
 * in the suite, and is fuzzed by Jazzer with {@code scripts/fuzz.sh}. Jazzer fuzzes one test per
 * JVM, so the suite's own few seconds of fuzzing per reader are the mutation loops below.
 */
class FileReadersFuzzTest {
  /** The tiny model whose weights the weights target loads; its weights file is that target's seed. */
  private static final ModelConfig TINY = new ModelConfig(ModelConfig.TARFLOWLM, 27, 2, 1, 4, List.of(
      new LayerConfig(CouplingType.MIXD, Direction.LEFT_TO_RIGHT, 1, 4, 1, 0),
      new LayerConfig(CouplingType.MIX1, Direction.RIGHT_TO_LEFT, 1, 4, 1, 2)), 1);
  /** Seconds of mutation per reader in the suite: enough for the shallow findings, cheap enough to always run. */
  private static final int SUITE_SECONDS = 3;
  private static final Path DIR = tempDir();
  private static NDManager manager;
  private static LanguageModel tiny;

  /** Reading one file, as a user's open does. */
  interface Reader {
    void read(Path file) throws IOException;
  }

  @FuzzTest
  void safetensors(byte[] input) {
    FileOracle.loadsOrIsRefused(DIR.resolve("model.safetensors"), input, f -> {
      Safetensors.readMetadata(f);
      Safetensors.read(f, null);
    });
  }

  @FuzzTest
  void modelWeights(byte[] input) {
    FileOracle.loadsOrIsRefused(DIR.resolve("model.safetensors"), input,
        f -> ModelFolder.loadWeights(tinyModel(), f));
  }

  @FuzzTest
  void modelConfig(byte[] input) {
    FileOracle.loadsOrIsRefused(DIR.resolve("config.json"), input, f -> ConfigJson.read(f, ModelConfig.class));
  }

  @FuzzTest
  void trainConfig(byte[] input) {
    FileOracle.loadsOrIsRefused(DIR.resolve("train.json"), input, f -> ConfigJson.read(f, TrainConfig.class));
  }

  @FuzzTest
  void runFile(byte[] input) {
    FileOracle.loadsOrIsRefused(DIR.resolve("run.json"), input, RunFiles::load);
  }

  @Test
  void safetensorsSurvivesAShortMutationRun() {
    mutationRun("safetensors", this::safetensors);
  }

  @Test
  void modelWeightsSurviveAShortMutationRun() {
    mutationRun("modelWeights", this::modelWeights);
  }

  @Test
  void modelConfigSurvivesAShortMutationRun() {
    mutationRun("modelConfig", this::modelConfig);
  }

  @Test
  void trainConfigSurvivesAShortMutationRun() {
    mutationRun("trainConfig", this::trainConfig);
  }

  @Test
  void runFileSurvivesAShortMutationRun() {
    mutationRun("runFile", this::runFile);
  }

  @AfterAll
  static void cleanUp() throws IOException {
    if (manager != null) {
      manager.close();
    }
    try (Stream<Path> files = Files.list(DIR)) {
      for (Path f : files.toList()) {
        Files.delete(f);
      }
    }
    Files.delete(DIR);
  }

  /**
   * Mutates the target's seeds for {@link #SUITE_SECONDS} from a fixed random seed, so that a
   * failure names an input that the same loop reaches again; a hang fails the run with the input in hand.
   */
  private static void mutationRun(String target, Consumer<byte[]> fuzzTarget) {
    List<byte[]> seeds = seeds(target);
    Mutator mutator = new Mutator(new Random(target.hashCode()), seeds);
    byte[][] current = new byte[1][];
    long[] runs = {0};
    assertTimeoutPreemptively(Duration.ofSeconds(SUITE_SECONDS + 30), () -> {
      long end = System.nanoTime() + SUITE_SECONDS * 1_000_000_000L;
      while (System.nanoTime() < end) {
        current[0] = mutator.next();
        try {
          fuzzTarget.accept(current[0]);
        } catch (Throwable t) {
          throw new AssertionError(target + " input (base64) " + Base64.getEncoder().encodeToString(current[0]), t);
        }
        runs[0]++;
      }
    }, () -> target + " hangs on the input (base64) " + Base64.getEncoder().encodeToString(current[0]));
    System.out.printf("fuzz %s: %d mutants in %d s, no finding%n", target, runs[0], SUITE_SECONDS);
  }

  private static List<byte[]> seeds(String target) {
    Path dir = Path.of("src/test/resources/org/tarflowlm/FileReadersFuzzTestInputs", target);
    List<byte[]> seeds = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.sorted().toList()) {
        seeds.add(Files.readAllBytes(f));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return seeds;
  }

  private static synchronized LanguageModel tinyModel() {
    if (tiny == null) {
      manager = NDManager.newBaseManager();
      tiny = ModelFolder.create(TINY, manager);
    }
    return tiny;
  }

  private static Path tempDir() {
    try {
      return Files.createTempDirectory("tarflowlm-fuzz");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
