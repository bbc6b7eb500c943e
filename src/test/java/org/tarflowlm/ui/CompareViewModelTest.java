package org.tarflowlm.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tarflowlm.runtime.PassResult;

class CompareViewModelTest {
  private final UiQueue ui = new UiQueue();
  private final ModelWorker worker = new ModelWorker(ui);

  @AfterEach
  void close() {
    worker.close();
  }


  @Test
  void patchSizesAreComparedOnTheSamePromptAndSeed(@TempDir Path models) throws Exception {
    TinyModels.flow(models, "mixd-p1", 1);
    TinyModels.flow(models, "mixd-p2", 2);
    AppViewModel app = new AppViewModel(worker, models, "cpu");
    app.scanModels();
    CompareViewModel vm = new CompareViewModel(app);
    vm.chooseDefaults();
    assertEquals(2, vm.chosen().size(), "the installed default patch sizes");
    vm.lengthProperty().set(24);
    vm.run();
    ui.runUntil(() -> !vm.runningProperty().get());
    assertEquals("", vm.errorProperty().get());
    assertEquals(List.of("mixd-p1", "mixd-p2"), vm.rows().stream().map(CompareRow::model).toList());
    assertEquals(1, vm.rows().get(0).patch());
    assertEquals(2, vm.rows().get(1).patch());
    assertTrue(vm.rows().get(1).sequentialSteps() < vm.rows().get(0).sequentialSteps(),
        "a patch of 2 writes in fewer sequential steps");
    for (CompareRow r : vm.rows()) {
      assertTrue(r.bitsPerChar() > 0 && Double.isFinite(r.bitsPerChar()));
      assertEquals(r.text().length(), r.noise().length(), "the timeline's first row: the noise, as long as the text");
    }
  }

  @Test
  void oneModelIsNotAComparison(@TempDir Path models) throws Exception {
    TinyModels.flow(models, "mixd-p1", 1);
    AppViewModel app = new AppViewModel(worker, models, "cpu");
    app.scanModels();
    CompareViewModel vm = new CompareViewModel(app);
    vm.chosen().setAll(app.models());
    vm.run();
    assertTrue(vm.errorProperty().get().contains("two to four"), vm.errorProperty().get());
  }

  @Test
  void sharedTimelinePicksTheSameFractionOfEveryModelsPasses() {
    PassResult p = new PassResult(0, 1, "x", new float[0][], 0);
    CompareRow two = new CompareRow("a", 1, "x", 1, 1, 1, List.of(p, p), "q");
    CompareRow four = new CompareRow("b", 2, "x", 1, 1, 1, List.of(p, p, p, p), "q");
    assertEquals(-1, CompareViewModel.passAt(two, 0), "the timeline starts at the noise");
    assertEquals(-1, CompareViewModel.passAt(four, 0));
    assertEquals(-1, CompareViewModel.passAt(two, 0.25));
    assertEquals(0, CompareViewModel.passAt(four, 0.25));
    assertEquals(0, CompareViewModel.passAt(two, 0.75));
    assertEquals(1, CompareViewModel.passAt(two, 1.0));
    assertEquals(2, CompareViewModel.passAt(four, 0.75));
    assertEquals(3, CompareViewModel.passAt(four, 1.0));
  }
}
