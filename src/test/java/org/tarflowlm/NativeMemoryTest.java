package org.tarflowlm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.tarflowlm.model.CouplingType;
import org.tarflowlm.model.Direction;
import org.tarflowlm.model.LayerConfig;
import org.tarflowlm.model.ModelConfig;
import org.tarflowlm.model.TarFlowLM;
import org.tarflowlm.runtime.GenerationListener;
import org.tarflowlm.runtime.GenerationRequest;
import org.tarflowlm.runtime.ModelRuntime;
import org.tarflowlm.runtime.RuntimeFixtures;
import org.tarflowlm.train.Precision;
import org.tarflowlm.train.Schedule;
import org.tarflowlm.train.TrainConfig;
import org.tarflowlm.train.Trainer;

/**
 * Generation and training leave nothing behind: over many inverse passes, and over many training
 * steps, the process's resident memory stays flat. Each loop runs in a JVM of its own whose heap is
 * committed in full at the start and whose allocator keeps what is freed (the launcher's settings),
 * so the resident size is a high-water mark that only a leak moves once the loop has settled (the
 * quick compiler only: the optimizing one's own memory would take longer to settle). A loop that
 * leaks one 4 KB array per step is run too, to show that such a leak is seen.
 */
class NativeMemoryTest {
  /** Allowed growth after the warm-up; the leaking loop grows by about 4 KB a step, over 20 MB. */
  static final long ALLOWED_BYTES = 6L << 20;

  private static final ModelConfig MODEL = new ModelConfig(ModelConfig.TARFLOWLM, 27, 5, 1, 48, List.of(
      new LayerConfig(CouplingType.MIXD, Direction.LEFT_TO_RIGHT, 1, 16, 2, 0),
      new LayerConfig(CouplingType.MIX1, Direction.RIGHT_TO_LEFT, 1, 16, 2, 2),
      new LayerConfig(CouplingType.AFFINE, Direction.LEFT_TO_RIGHT, 1, 16, 2, 0)), 5);

  static long residentBytes() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
      }
    }
    throw new IOException("no VmRSS in /proc/self/status");
  }

  /** The child: runs one loop and prints the steps taken, the bytes grown and the arrays left on the manager. */
  public static void main(String[] args) throws Exception {
    try (NDManager m = NDManager.newBaseManager()) {
      if (args[0].equals("train")) {
        train(m);
      } else {
        generate(m, args[0].equals("leak"));
      }
    }
  }

  /**
   * Generations after a prompt: every layer inverted, the prompt's positions kept, and (a
   * right-to-left layer below the last) several conditioning iterations.
   */
  private static void generate(NDManager m, boolean leak) throws IOException {
    TarFlowLM model = new TarFlowLM(MODEL, m);
    RuntimeFixtures.perturb(model.params(), 0.2, 17); // off the trivial start: prompts then take several iterations
    ModelRuntime rt = ModelRuntime.of(model, m, "leak");
    GenerationListener listener = !leak ? GenerationListener.NONE : new GenerationListener() {
      @Override
      public void onStep(int iteration, int layer, int step, int position, String chars) {
        NDManager.newBaseManager().create(new double[512]); // a 4 KB array, never closed
      }
    };
    for (int i = 0; i < 8; i++) { // the JIT's code and its compiler's memory settle first
      rt.generate(GenerationRequest.of("the ", 40, 1.0, i), GenerationListener.NONE, () -> false);
    }
    int arrays = m.getManagedArrays().size();
    long before = residentBytes();
    long steps = 0;
    for (int i = 0; i < 10; i++) {
      steps += rt.generate(GenerationRequest.of("the ", 40, 1.0, 100 + i), listener, () -> false).sequentialSteps();
    }
    System.out.println(steps + " " + (residentBytes() - before) + " " + (m.getManagedArrays().size() - arrays));
  }

  /** Optimizer steps of joint training, batches of 4 windows of 48 characters. */
  private static void train(NDManager m) throws IOException {
    Path dir = Files.createTempDirectory("tarflowlm-leak");
    String text = "the quick brown fox jumps over the lazy dog while the cat sleeps in the warm sun ".repeat(20);
    TrainConfig tc = new TrainConfig(MODEL, Schedule.JOINT, List.of(1000), 4, 1e-3, 1e-4, 2, 0.01, 1.0, 1000, 64, 0,
        3600, 5, 0, 0, Precision.FLOAT32);
    Trainer t = new Trainer(tc, dir, text, text, m, new PrintStream(new ByteArrayOutputStream()), false);
    t.measureCharsPerSecond(30);
    int arrays = m.getManagedArrays().size();
    long before = residentBytes();
    t.measureCharsPerSecond(60);
    System.out.println(60 + " " + (residentBytes() - before) + " " + (m.getManagedArrays().size() - arrays));
  }

  /** Runs {@link #main} in a JVM of its own; returns {steps, bytes grown, arrays left}. */
  static long[] child(String mode) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder b = new ProcessBuilder(java, "-Xms192m", "-Xmx192m", "-XX:+AlwaysPreTouch", "-XX:+UseSerialGC",
        "-XX:TieredStopAtLevel=1",
        "-Dai.djl.offline=true", "-cp", System.getProperty("java.class.path"), NativeMemoryTest.class.getName(), mode)
        .redirectError(ProcessBuilder.Redirect.DISCARD);
    b.environment().put("MALLOC_MMAP_THRESHOLD_", "33554432");
    b.environment().put("MALLOC_TRIM_THRESHOLD_", "4294967296");
    b.environment().put("MALLOC_TOP_PAD_", "268435456");
    Process p = b.start();
    String out = new String(p.getInputStream().readAllBytes()).strip();
    assertTrue(p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0, "the " + mode + " child failed: " + out);
    List<String> lines = out.lines().toList();
    String[] f = lines.get(lines.size() - 1).split(" ");
    return new long[] {Long.parseLong(f[0]), Long.parseLong(f[1]), Long.parseLong(f[2])};
  }

  @Test
  void inversePassesKeepNativeMemoryFlat() throws Exception {
    long[] plain = child("generate");
    long[] leaking = child("leak");
    System.out.printf("generation: %d steps, grew %d KB (a 4 KB-per-step leak: %d KB)%n", plain[0], plain[1] >> 10,
        leaking[1] >> 10);
    assertEquals(0, plain[2], "arrays left on the model's manager");
    assertTrue(plain[1] < ALLOWED_BYTES, "resident memory grew by " + (plain[1] >> 10) + " KB over " + plain[0] + " steps");
    assertTrue(leaking[1] > ALLOWED_BYTES, "a leak of 4 KB a step went unseen: " + (leaking[1] >> 10) + " KB");
  }

  @Test
  void trainingStepsKeepNativeMemoryFlat() throws Exception {
    long[] r = child("train");
    System.out.printf("training: %d steps, grew %d KB%n", r[0], r[1] >> 10);
    assertEquals(0, r[2], "arrays left on the model's manager");
    assertTrue(r[1] < ALLOWED_BYTES, "resident memory grew by " + (r[1] >> 10) + " KB over " + r[0] + " steps");
  }
}
