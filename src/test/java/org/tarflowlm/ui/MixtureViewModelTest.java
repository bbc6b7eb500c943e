package org.tarflowlm.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tarflowlm.model.CouplingType;
import org.tarflowlm.model.Normal;
import org.tarflowlm.runtime.MixtureSlice;

/** The mixture view's state, without a window: results arrive on a queue the test drains. */
class MixtureViewModelTest {
  private final UiQueue ui = new UiQueue();
  private final ModelWorker worker = new ModelWorker(ui);

  @AfterEach
  void close() {
    worker.close();
  }


  private AppViewModel app(Path models, String name) throws Exception {
    AppViewModel app = new AppViewModel(worker, models, "cpu");
    app.scanModels();
    app.request(models.resolve(name));
    ui.runUntil(() -> app.runtime() != null);
    return app;
  }

  private void trace(LayersViewModel layers, String text) throws InterruptedException {
    layers.textProperty().set(text);
    layers.run();
    ui.runUntil(() -> !layers.runningProperty().get());
    assertEquals("", layers.errorProperty().get());
  }

  @Test
  void showsTheStepperTraceAsANextCharacterDistribution(@TempDir Path models) throws Exception {
    TinyModels.flow(models, "mixd-p1", 1);
    AppViewModel app = app(models, "mixd-p1");
    Workspace ws = new Workspace(app, ui);
    LayersViewModel layers = ws.layers;
    MixtureViewModel vm = ws.mixture;
    assertNull(vm.sliceProperty().get(), "nothing before a trace");
    assertEquals(0, vm.layerCount());
    trace(layers, "hello world");
    ui.runUntil(() -> vm.sliceProperty().get() != null);
    assertEquals("", vm.errorProperty().get());
    assertFalse(vm.loadingProperty().get());
    MixtureSlice s = (MixtureSlice) vm.sliceProperty().get();
    assertEquals(CouplingType.MIXD, s.coupling());
    assertEquals(1, s.layer());
    assertEquals(27, s.mixture().components());
    double sum = 0;
    for (double w : s.mixture().weights()) {
      assertEquals(1.0 / 27, w, 1e-6, "an untrained Mix-d head predicts uniform weights");
      sum += w;
    }
    assertEquals(1, sum, 1e-9);
    assertEquals(Normal.cdf(s.h()), s.cdf(), 1e-6);
    assertEquals(2, vm.layerCount());
    assertEquals(11, vm.positionCount());
    assertEquals(5, vm.channelCount());
    assertEquals(11, vm.positionLabels().size());
    assertEquals("0  'h'", vm.positionLabels().get(0));
    assertEquals("5  '\u2423'", vm.positionLabels().get(5), "a space is shown visibly");
    List<MixtureViewModel.Bar> top = vm.topWeights(MixtureView.TOP);
    assertEquals(12, top.size(), "uniform weights: the first 12 symbols, 'h' among them");
    assertTrue(top.get(8).actual());
    assertEquals("\u2423", top.get(0).label(), "a space is shown visibly");
    vm.positionProperty().set(6); // 'w', outside the first 12 of a tie
    top = vm.topWeights(MixtureView.TOP);
    assertEquals(13, top.size(), "the actual character follows the top 12");
    assertEquals(new MixtureViewModel.Bar(23, "w", 1.0 / 27, true).label(), top.get(12).label());
    assertTrue(top.get(12).actual());
    vm.positionProperty().set(0);
    assertTrue(vm.summaryProperty().get().contains("F(x)"), vm.summaryProperty().get());
    assertTrue(vm.summaryProperty().get().contains("actual 'h'"), vm.summaryProperty().get());
    assertTrue(vm.hLabelProperty().get().startsWith("h = \u03a6\u207b\u00b9(F(x)) = "), vm.hLabelProperty().get());
    assertEquals("layer 1: mixd, left to right", vm.layerLabelProperty().get());
  }

  @Test
  void selectionChangesRecomputeAtOnceAndStayInRange(@TempDir Path models) throws Exception {
    TinyModels.flow(models, "mixd-p1", 1);
    AppViewModel app = app(models, "mixd-p1");
    Workspace ws = new Workspace(app, ui);
    LayersViewModel layers = ws.layers;
    MixtureViewModel vm = ws.mixture;
    trace(layers, "the quick brown fox");
    ui.runUntil(() -> vm.sliceProperty().get() != null);

    // host arithmetic on the trace: no background job, the slice is there on return
    vm.channelProperty().set(3);
    assertEquals(3, vm.sliceProperty().get().channel());
    assertEquals(3, token(vm).channel());
    vm.positionProperty().set(4);
    assertEquals(4, vm.sliceProperty().get().position());
    assertEquals("q", vm.sliceProperty().get().characters());
    assertEquals(17, token(vm).actual(), "'q' is symbol 17");
    vm.layerProperty().set(2);
    MixtureSlice mix1 = (MixtureSlice) vm.sliceProperty().get();
    assertEquals(CouplingType.MIX1, mix1.coupling());
    assertEquals(List.of("component 1", "component 2"), mix1.labels());
    assertEquals(2, vm.topWeights(MixtureView.TOP).size());
    assertEquals(Normal.cdf(mix1.h()), mix1.cdf(), 1e-6);
    assertTrue(ui.isEmpty(), "nothing was sent to the worker");

    vm.positionProperty().set(99);
    assertEquals(18, vm.positionProperty().get(), "clamped to the last position");
    vm.layerProperty().set(7);
    assertEquals(2, vm.layerProperty().get());
    vm.channelProperty().set(-2);
    assertEquals(0, vm.channelProperty().get());

    trace(layers, "abc");
    ui.runUntil(() -> vm.positionLabels().size() == 3);
    assertEquals(2, vm.positionProperty().get(), "a shorter trace clamps the position");
    assertEquals(2, vm.sliceProperty().get().position());
    assertEquals(layers.traceProperty().get(), vm.traceProperty().get());
  }

  @Test
  void patchedModelsMapChannelsToTheirTokens(@TempDir Path models) throws Exception {
    TinyModels.flow(models, "mixd-p2", 2);
    AppViewModel app = app(models, "mixd-p2");
    Workspace ws = new Workspace(app, ui);
    LayersViewModel layers = ws.layers;
    MixtureViewModel vm = ws.mixture;
    trace(layers, "hello world");
    ui.runUntil(() -> vm.sliceProperty().get() != null);
    assertEquals(6, vm.positionCount(), "11 characters padded to 12, two per position");
    assertEquals(10, vm.channelCount());
    assertEquals("5  'd\u2423'", vm.positionLabels().get(5));
    vm.positionProperty().set(2);
    vm.channelProperty().set(7);
    MixtureSlice s = (MixtureSlice) vm.sliceProperty().get();
    assertEquals("o ", s.characters());
    assertEquals(new MixtureSlice.Token(5, 2, 0), s.token().orElseThrow(),
        "channel 7 belongs to the position's second token, a space, as its channel 2");
    assertEquals(Normal.cdf(s.h()), s.cdf(), 1e-6);
  }

  @Test
  void aModelSwitchRetracesTheTextAndAnotherModelsTraceIsAClearMessage(@TempDir Path models) throws Exception {
    TinyModels.flow(models, "mixd-p1", 1);
    TinyModels.flow(models, "other", 1);
    AppViewModel app = app(models, "mixd-p1");
    Workspace ws = new Workspace(app, ui);
    LayersViewModel layers = ws.layers;
    MixtureViewModel vm = ws.mixture;
    trace(layers, "hello");
    ui.runUntil(() -> vm.sliceProperty().get() != null);
    org.tarflowlm.runtime.Run first = ws.current.get();
    app.request(models.resolve("other"));
    ui.runUntil(() -> layers.traceProperty().get() != null && layers.traceProperty().get().model().equals("other")
        && !vm.loadingProperty().get() && vm.sliceProperty().get() != null);
    assertEquals("", vm.errorProperty().get(), "the new model's trace of the same text");
    ws.current.replay(first, "first.json"); // a saved run of the other model, opened again
    ui.runUntil(() -> !vm.loadingProperty().get() && !vm.errorProperty().get().isEmpty());
    assertNull(vm.sliceProperty().get());
    assertTrue(vm.errorProperty().get().contains("trace the text again"), vm.errorProperty().get());
    vm.layerProperty().set(2);
    assertNotNull(vm.sliceProperty().get(), "a Mix-1 layer needs no codebook");
    assertEquals("", vm.errorProperty().get());
  }

  private static MixtureSlice.Token token(MixtureViewModel vm) {
    return ((MixtureSlice) vm.sliceProperty().get()).token().orElseThrow();
  }
}
