package org.tarflowlm.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tarflowlm.model.LanguageModel;

class ModelFolderTest {
  private static final String CONFIG = """
      {"type": "tarflowlm", "vocabSize": 27, "latentDim": 5, "patchSize": 1, "seqLen": 64, "seed": 1,
       "layers": [{"coupling": "mixd", "direction": "ltr", "depth": DEPTH, "width": WIDTH, "heads": 2,
                   "components": 0, "input": "latent"}]}
      """;

  private static Path folder(Path dir, int width, int depth, byte[] weights) throws Exception {
    Files.writeString(dir.resolve(ModelFolder.CONFIG),
        CONFIG.replace("WIDTH", String.valueOf(width)).replace("DEPTH", String.valueOf(depth)));
    Files.write(dir.resolve(ModelFolder.WEIGHTS), weights);
    return dir;
  }

  /** Found by fuzzing: such configs overflowed an int, or allocated 1.6 GB for 11 s, before a 1-byte file was refused. */
  @Test
  void aConfigLargerThanItsWeightsIsRefusedBeforeItIsBuilt(@TempDir Path dir) throws Exception {
    for (int[] wd : new int[][] {{65536, 1}, {4096, 2}, {1 << 30, 1}}) {
      folder(dir, wd[0], wd[1], new byte[] {1});
      com.sun.management.ThreadMXBean threads =
          (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
      long before = threads.getCurrentThreadAllocatedBytes();
      try (NDManager m = NDManager.newBaseManager()) {
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> ModelFolder.load(dir, m));
        assertTrue(e.getMessage().contains("config.json") && e.getMessage().contains("larger than its weights"),
            e.getMessage());
        assertTrue(m.getManagedArrays().size() < 64, "arrays built before the refusal: " + m.getManagedArrays().size());
      }
      long heap = threads.getCurrentThreadAllocatedBytes() - before;
      assertTrue(heap < 64L << 20, "width " + wd[0] + ": " + (heap >> 20) + " MB allocated before the refusal");
    }
  }

  @Test
  void aModelWithinItsWeightsIsBuiltAndThenTheWeightsAreChecked(@TempDir Path dir) throws Exception {
    Path f = folder(dir, 32, 1, new byte[200_000]);
    try (NDManager m = NDManager.newBaseManager()) {
      ModelFormatException e = assertThrows(ModelFormatException.class, () -> ModelFolder.load(f, m));
      assertTrue(e.getMessage().contains(ModelFolder.WEIGHTS), e.getMessage());
    }
  }

  @Test
  void aSavedModelLoadsBack(@TempDir Path dir) throws Exception {
    folder(dir, 32, 1, new byte[0]);
    try (NDManager m = NDManager.newBaseManager()) {
      LanguageModel model = ModelFolder.create(ModelFolder.readConfig(dir), m);
      ModelFolder.save(model, dir);
      LanguageModel back = ModelFolder.load(dir, m);
      assertEquals(model.params().all().keySet(), back.params().all().keySet());
    }
  }

  /** A folder of another major version would read as this one with wrong numbers: it is refused in words. */
  @Test
  void aWeightsFileOfAnotherMajorFormatVersionIsRefused(@TempDir Path dir) throws Exception {
    folder(dir, 32, 1, new byte[0]);
    try (NDManager m = NDManager.newBaseManager()) {
      LanguageModel model = ModelFolder.create(ModelFolder.readConfig(dir), m);
      Path weights = dir.resolve(ModelFolder.WEIGHTS);
      ModelFolder.saveWeights(model, weights, java.util.Map.of("format", "tarflowlm/1.1", "type", "tarflowlm"));
      ModelFolder.load(dir, m);
      ModelFolder.saveWeights(model, weights, java.util.Map.of("format", "tarflowlm/2", "type", "tarflowlm"));
      ModelFormatException e = assertThrows(ModelFormatException.class, () -> ModelFolder.load(dir, m));
      assertTrue(e.getMessage().contains("tarflowlm/2") && e.getMessage().contains("reads tarflowlm/1 only"), e.getMessage());
    }
  }
}
