package org.tarflowlm.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Flow layers' trace job, without a window. */
class LayersViewModelTest {
  private final UiQueue ui = new UiQueue();
  private final ModelWorker worker = new ModelWorker(ui);

  @AfterEach
  void close() {
    worker.close();
  }

  @Test
  void aReplayedTraceOfATypedTextIsNormalizedWhenTracedAgain(@TempDir Path models) throws Exception {
    CurrentRun current = new CurrentRun();
    LayersViewModel vm = new LayersViewModel(TinyModels.openFlow(models, 1, worker, ui), current);
    vm.textProperty().set("Once upon a time,");
    vm.run();
    ui.runUntil(() -> !vm.runningProperty().get());
    var typed = current.get();
    current.replay(typed, "typed.json"); // as Open run shows a saved run
    vm.run(); // traced again: it threw, 'O' is outside the vocabulary
    ui.runUntil(() -> !vm.runningProperty().get() && current.get() != typed);
    assertEquals("", vm.errorProperty().get());
    assertEquals("once upon a time ", vm.traceProperty().get().text().normalized());
  }

  /** A generated text is traced again character for character: normalizing it collapsed a P > 1 model's runs of spaces. */
  @Test
  void theRunsOwnTextIsTracedAgainAsWritten(@TempDir Path models) throws Exception {
    AppViewModel app = TinyModels.openFlow(models, 2, worker, ui);
    CurrentRun current = new CurrentRun();
    GenerateViewModel generate = new GenerateViewModel(app, current, ui);
    LayersViewModel vm = new LayersViewModel(app, current);
    generate.promptProperty().set("a");
    generate.lengthProperty().set(10);
    generate.generate();
    ui.runUntil(() -> !generate.runningProperty().get());
    String written = current.get().text();
    assertTrue(written.startsWith(" a"), "the prompt padded to whole patches: '" + written + "'");
    assertEquals(written, vm.textProperty().get(), "the field shows the run's text as written");
    vm.seedProperty().set(7);
    vm.run();
    ui.runUntil(() -> !vm.runningProperty().get());
    assertEquals("", vm.errorProperty().get());
    assertEquals(written, current.get().text());
    assertEquals(7, current.get().trace().seed());
    assertNotNull(current.get().generation(), "the same text on the same model is still the generation");
  }

  @Test
  void aStoppedTraceIsNotShown(@TempDir Path models) throws Exception {
    AppViewModel app = TinyModels.openFlow(models, 1, worker, ui);
    LayersViewModel vm = new LayersViewModel(app, new CurrentRun());
    vm.textProperty().set("a text to trace");
    vm.run();
    vm.stop();
    ui.runUntil(() -> !vm.runningProperty().get());
    assertNull(vm.traceProperty().get(), "Stop drops the trace");
    assertEquals("stopped: the trace shown is the one before", vm.errorProperty().get());
  }
}
