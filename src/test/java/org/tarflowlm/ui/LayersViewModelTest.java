package org.tarflowlm.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

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
    LayersViewModel vm = new LayersViewModel(TinyModels.openFlow(models, 1, worker, ui));
    vm.textProperty().set("Once upon a time,");
    vm.run();
    ui.runUntil(() -> !vm.runningProperty().get());
    var typed = vm.traceProperty().get();
    vm.replay(typed, null); // as Open run shows a saved trace
    vm.run(); // as a model switch traces the shown text again: it threw, 'O' is outside the vocabulary
    ui.runUntil(() -> !vm.runningProperty().get() && vm.traceProperty().get() != typed);
    assertEquals("once upon a time ", vm.traceProperty().get().text().normalized());
  }

  @Test
  void aStoppedTraceIsNotShown(@TempDir Path models) throws Exception {
    AppViewModel app = TinyModels.openFlow(models, 1, worker, ui);
    LayersViewModel vm = new LayersViewModel(app);
    vm.textProperty().set("a text to trace");
    vm.run();
    vm.stop();
    ui.runUntil(() -> !vm.runningProperty().get());
    assertNull(vm.traceProperty().get(), "Stop drops the trace");
    assertEquals("stopped: the trace shown is the one before", vm.errorProperty().get());
  }
}
