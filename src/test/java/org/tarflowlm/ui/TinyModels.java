package org.tarflowlm.ui;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.tarflowlm.io.ModelFolder;
import org.tarflowlm.model.CouplingType;
import org.tarflowlm.model.Direction;
import org.tarflowlm.model.LayerConfig;
import org.tarflowlm.model.ModelConfig;
import org.tarflowlm.model.TarFlowLM;

/** Writes small untrained model folders for the UI tests. */
final class TinyModels {
  private TinyModels() {}

  static Path flow(Path modelsDir, String name, int patch) throws IOException {
    ModelConfig cfg = new ModelConfig(ModelConfig.TARFLOWLM, 27, 5, patch, 160, List.of(
        new LayerConfig(CouplingType.MIXD, Direction.LEFT_TO_RIGHT, 1, 16, 2, 0),
        new LayerConfig(CouplingType.MIX1, Direction.RIGHT_TO_LEFT, 1, 16, 2, 2)), 3);
    Path dir = modelsDir.resolve(name);
    try (NDManager m = NDManager.newBaseManager()) {
      ModelFolder.save(new TarFlowLM(cfg, m), dir);
    }
    return dir;
  }

  /** An app that has opened a tiny flow model mixd-p1 of patch {@code patch}, written into {@code modelsDir}. */
  static AppViewModel openFlow(Path modelsDir, int patch, ModelWorker worker, UiQueue ui) throws Exception {
    flow(modelsDir, "mixd-p1", patch);
    AppViewModel app = new AppViewModel(worker, modelsDir, "cpu");
    app.scanModels();
    app.request(modelsDir.resolve("mixd-p1"));
    ui.runUntil(() -> app.runtime() != null);
    return app;
  }

  /** A model folder whose weights file is cut short. */
  static Path corrupt(Path modelsDir, String name) throws IOException {
    Path dir = flow(modelsDir, name, 1);
    Path weights = dir.resolve(ModelFolder.WEIGHTS);
    byte[] bytes = Files.readAllBytes(weights);
    Files.write(weights, java.util.Arrays.copyOf(bytes, bytes.length / 2));
    return dir;
  }
}
