package org.tarflowlm.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Generate view's state and commands, without a window: results arrive on a queue the test drains. */
class GenerateViewModelTest {
  private final UiQueue ui = new UiQueue();
  private final ModelWorker worker = new ModelWorker(ui);

  @AfterEach
  void close() {
    worker.close();
  }


  private AppViewModel app(Path models) throws Exception {
    AppViewModel app = new AppViewModel(worker, models, "cpu");
    app.scanModels();
    app.request(models.resolve("mixd-p1"));
    ui.runUntil(() -> app.runtime() != null);
    return app;
  }

  @Test
  void generateScoresEveryCharacter(@TempDir Path models) throws Exception {
    TinyModels.flow(models, "mixd-p1", 1);
    AppViewModel app = app(models);
    GenerateViewModel vm = new GenerateViewModel(app, new CurrentRun(), ui);
    vm.promptProperty().set("Hello");
    vm.lengthProperty().set(20);
    vm.generate();
    assertTrue(vm.runningProperty().get());
    ui.runUntil(() -> !vm.runningProperty().get());
    assertEquals("", vm.errorProperty().get());
    assertNotNull(vm.resultProperty().get());
    assertEquals(25, vm.cells().size(), "prompt and continuation, one cell each");
    assertTrue(vm.cells().get(0).prompt());
    assertFalse(vm.cells().get(24).prompt());
    assertEquals(5, vm.cells().get(10).alternatives().size());
    assertTrue(vm.summaryProperty().get().contains("bits/char"), vm.summaryProperty().get());
    assertEquals("the model reads: \"hello\"", vm.normalizationProperty().get());
  }

  @Test
  void streamedTextHoldsEveryPatchOfAPaddedPrompt(@TempDir Path models) throws Exception {
    TinyModels.flow(models, "mixd-p1", 4);
    AppViewModel app = app(models);
    GenerateViewModel vm = new GenerateViewModel(app, new CurrentRun(), ui);
    vm.promptProperty().set("hello"); // 5 characters: the model reads "   hello", then one more patch
    vm.lengthProperty().set(3);
    java.util.List<String> streamed = new java.util.ArrayList<>();
    vm.streamedProperty().addListener((o, a, now) -> streamed.add(now));
    vm.generate();
    ui.runUntil(() -> !vm.runningProperty().get());
    String text = vm.resultProperty().get().text();
    assertEquals(8 + 3, text.length(), text);
    assertFalse(streamed.isEmpty());
    for (String s : streamed) {
      assertTrue(s.length() >= text.length(), "every streamed state has room for the last patch: '" + s + "'");
    }
  }

  @Test
  void aTemplateFillsItsBlanksAndKeepsItsFixedCharacters(@TempDir Path models) throws Exception {
    TinyModels.flow(models, "mixd-p1", 1);
    AppViewModel app = app(models);
    GenerateViewModel vm = new GenerateViewModel(app, new CurrentRun(), ui);
    vm.promptProperty().set("The ___ sat on the mat");
    assertTrue(vm.normalizationProperty().get().startsWith("infill: the model writes the 3 blanks"),
        vm.normalizationProperty().get());
    vm.generate();
    ui.runUntil(() -> !vm.runningProperty().get());
    assertEquals("", vm.errorProperty().get());
    String text = vm.resultProperty().get().text();
    assertEquals("the ", text.substring(0, 4));
    assertEquals(" sat on the mat", text.substring(7));
    for (int i = 0; i < vm.cells().size(); i++) {
      assertEquals(i < 4 || i >= 7, vm.cells().get(i).prompt(), "fixed and written characters apart at " + i);
    }
    assertTrue(vm.summaryProperty().get().contains("3 blanks written"), vm.summaryProperty().get());
  }

  @Test
  void aPromptTooLongForTheContextIsRefusedWithAnOfferToKeepItsEnd(@TempDir Path models) throws Exception {
    TinyModels.flow(models, "mixd-p1", 1);
    AppViewModel app = app(models);
    GenerateViewModel vm = new GenerateViewModel(app, new CurrentRun(), ui);
    vm.lengthProperty().set(10);
    vm.generate();
    ui.runUntil(() -> !vm.runningProperty().get());
    String before = vm.resultProperty().get().text();
    vm.promptProperty().set("ab".repeat(100)); // 200 characters; the context is 160
    vm.lengthProperty().set(20);
    vm.generate();
    assertFalse(vm.runningProperty().get(), "refused before anything starts");
    assertTrue(vm.errorProperty().get().contains("context of 160"), vm.errorProperty().get());
    assertEquals("Keep the last 140 characters", vm.trimOfferProperty().get());
    assertEquals(before, vm.resultProperty().get().text(), "the previous result stays");
    assertEquals(10, vm.cells().size(), "and its shading too");
    vm.trimPrompt();
    assertEquals(140, vm.promptProperty().get().length());
    assertEquals("", vm.trimOfferProperty().get());
    vm.generate();
    ui.runUntil(() -> !vm.runningProperty().get());
    assertEquals(160, vm.resultProperty().get().text().length());
  }

  @Test
  void stopEndsTheGeneration(@TempDir Path models) throws Exception {
    TinyModels.flow(models, "mixd-p1", 1);
    AppViewModel app = app(models);
    GenerateViewModel vm = new GenerateViewModel(app, new CurrentRun(), ui);
    vm.lengthProperty().set(60);
    vm.generate();
    vm.stop();
    ui.runUntil(() -> !vm.runningProperty().get());
    assertEquals(GenerateViewModel.STOPPED, vm.summaryProperty().get());
    assertTrue(vm.cells().isEmpty());
  }

  @Test
  void tooLongARequestIsAClearMessage(@TempDir Path models) throws Exception {
    TinyModels.flow(models, "mixd-p1", 1);
    AppViewModel app = app(models);
    GenerateViewModel vm = new GenerateViewModel(app, new CurrentRun(), ui);
    vm.lengthProperty().set(500);
    vm.generate();
    ui.runUntil(() -> !vm.runningProperty().get() && !vm.errorProperty().get().isEmpty());
    assertTrue(vm.errorProperty().get().contains("context of 160"), vm.errorProperty().get());
  }

  @Test
  void corruptModelFolderIsReportedAndNothingIsLost(@TempDir Path models) throws Exception {
    TinyModels.flow(models, "mixd-p1", 1);
    TinyModels.corrupt(models, "broken");
    AppViewModel app = app(models);
    app.request(models.resolve("broken"));
    ui.runUntil(() -> !app.loadingProperty().get() && app.statusProperty().get().startsWith("could not open"));
    assertTrue(app.statusProperty().get().contains("model.safetensors"), app.statusProperty().get());
    assertEquals(models.resolve("mixd-p1"), app.runtime().folder(), "the open model stays usable");
  }

  @Test
  void oneBlankIsCountedInTheSingular(@TempDir Path models) throws Exception {
    TinyModels.flow(models, "mixd-p1", 1);
    AppViewModel app = app(models);
    GenerateViewModel vm = new GenerateViewModel(app, new CurrentRun(), ui);
    vm.promptProperty().set("a_c");
    assertTrue(vm.normalizationProperty().get().startsWith("infill: the model writes the 1 blank marked _"),
        vm.normalizationProperty().get());
    vm.generate();
    ui.runUntil(() -> !vm.runningProperty().get());
    assertTrue(vm.summaryProperty().get().contains("|  1 blank written in "), vm.summaryProperty().get());
  }

  @Test
  void aTemplateWhoseBlankSharesAPatchWithFixedTextIsRefusedInWords(@TempDir Path models) throws Exception {
    TinyModels.flow(models, "mixd-p1", 2);
    AppViewModel app = app(models);
    GenerateViewModel vm = new GenerateViewModel(app, new CurrentRun(), ui);
    vm.promptProperty().set("a_c"); // 'a' and the blank are one patch: written whole, 'a' became 'd'
    vm.seedProperty().set(3);
    vm.generate();
    ui.runUntil(() -> !vm.runningProperty().get());
    assertEquals(null, vm.resultProperty().get(), "no run whose fixed 'a' was overwritten");
    assertTrue(vm.errorProperty().get().contains("a blank must cover whole groups of 2"), vm.errorProperty().get());
    org.tarflowlm.runtime.Template.parse("ab__cd").requireWholePatches(2); // whole patches are written as typed
  }

  @Test
  void jacobiDecodingWritesTheSequentialText(@TempDir Path models) throws Exception {
    TinyModels.flow(models, "mixd-p1", 1);
    AppViewModel app = app(models);
    GenerateViewModel vm = new GenerateViewModel(app, new CurrentRun(), ui);
    vm.promptProperty().set("the");
    vm.lengthProperty().set(12);
    vm.generate();
    ui.runUntil(() -> !vm.runningProperty().get() && vm.resultProperty().get() != null);
    String sequential = vm.resultProperty().get().text();
    vm.jacobiProperty().set(true);
    vm.generate();
    ui.runUntil(() -> !vm.runningProperty().get() && vm.resultProperty().get().request().decoding().jacobi());
    assertEquals(sequential, vm.resultProperty().get().text());
    assertTrue(vm.summaryProperty().get().endsWith("(Jacobi)"), vm.summaryProperty().get());
    vm.toleranceProperty().set(1e-6);
    vm.generate();
    ui.runUntil(() -> !vm.runningProperty().get() && vm.resultProperty().get().request().decoding().tolerance() == 1e-6);
    assertEquals("", vm.errorProperty().get());
  }
}
