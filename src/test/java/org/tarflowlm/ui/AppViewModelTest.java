package org.tarflowlm.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Opening models: what the window says about them, and how their warm-up gives way to the user's jobs. */
class AppViewModelTest {
  private final UiQueue ui = new UiQueue();
  private final ModelWorker worker = new ModelWorker(ui);

  @AfterEach
  void close() {
    worker.close();
  }

  @Test
  void aSavedModelThatIsGoneIsNamedWhenTheDefaultOpensInstead(@TempDir Path models) throws Exception {
    TinyModels.flow(models, "mixd-p1", 1);
    AppViewModel app = new AppViewModel(worker, models, "cpu");
    app.scanModels();
    app.openAtStart(models.resolve("mixd-p9"), models.resolve("mixd-p1"));
    ui.runUntil(() -> app.runtime() != null && !app.loadingProperty().get());
    assertEquals("mixd-p1", app.runtime().name());
    assertTrue(app.statusProperty().get().contains("the model you had open last, mixd-p9, is no longer at "),
        app.statusProperty().get());
    ui.runUntil(() -> !app.warmingUp());
    assertTrue(app.statusProperty().get().contains("mixd-p9"), "the note outlasts the warm-up: " + app.statusProperty().get());
  }

  @Test
  void aGenerationStopsTheWarmUpInsteadOfQueueingBehindIt(@TempDir Path models) throws Exception {
    AppViewModel app = TinyModels.openFlow(models, 1, worker, ui);
    assertTrue(app.warmingUp(), "a model warms up right after it loads");
    GenerateViewModel generate = new GenerateViewModel(app, new CurrentRun(), ui);
    generate.lengthProperty().set(8);
    generate.generate();
    assertFalse(app.warmingUp(), "Generate stopped the warm-up");
    ui.runUntil(() -> generate.resultProperty().get() != null);
    assertFalse(app.statusProperty().get().contains("warming up"), app.statusProperty().get());
  }
}
