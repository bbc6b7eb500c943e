package org.tarflowlm.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RefinementViewModelTest {
  private final UiQueue ui = new UiQueue();
  private final ModelWorker worker = new ModelWorker(ui);

  @AfterEach
  void close() {
    worker.close();
  }


  @Test
  void jacobiShowsEverySweepAsARowAndEndsAtTheSequentialText(@TempDir Path models) throws Exception {
    AppViewModel app = TinyModels.openFlow(models, 1, worker, ui);
    RefinementViewModel vm = new RefinementViewModel(app, new CurrentRun(), ui);
    vm.promptProperty().set("the ");
    vm.lengthProperty().set(12);
    vm.run();
    ui.runUntil(() -> !vm.runningProperty().get() && vm.resultProperty().get() != null);
    String sequential = vm.resultProperty().get().text();
    vm.jacobiProperty().set(true);
    vm.run();
    ui.runUntil(() -> !vm.runningProperty().get() && vm.resultProperty().get() != null
        && vm.resultProperty().get().request().decoding().jacobi());
    assertEquals(sequential, vm.resultProperty().get().text(), "Jacobi writes the sequential text");
    java.util.List<RefinementRows.Row> sweeps = vm.rows().stream().filter(r -> r.sweep() > 0).toList();
    assertFalse(sweeps.isEmpty(), "a row per sweep");
    for (int pass = 0; pass < vm.passes().size(); pass++) {
      int p = pass;
      java.util.List<RefinementRows.Row> mine = sweeps.stream().filter(r -> r.pass() == p).toList();
      assertFalse(mine.isEmpty(), "pass " + pass + " has sweeps");
      assertEquals(1, mine.get(0).sweep());
      RefinementRows.Row last = mine.get(mine.size() - 1);
      assertEquals(vm.passes().get(pass).text(), last.text(), "the last sweep reads as its pass");
      assertEquals(0, last.unsettled(), "every character settled by the end of the pass");
      for (int i = 1; i < mine.size(); i++) {
        assertTrue(mine.get(i).unsettled() <= mine.get(i - 1).unsettled(), "settled characters stay settled");
      }
    }
  }

  @Test
  void samplingCanBeSteppedPassByPassAndPositionByPosition(@TempDir Path models) throws Exception {
    AppViewModel app = TinyModels.openFlow(models, 2, worker, ui);
    RefinementViewModel vm = new RefinementViewModel(app, new CurrentRun(), ui);
    vm.lengthProperty().set(20);
    vm.run();
    ui.runUntil(() -> !vm.runningProperty().get() && vm.resultProperty().get() != null);
    assertEquals(2, vm.passes().size(), "one pass per layer");
    assertEquals(10, vm.steps(0), "20 characters in patches of 2");
    assertEquals(18, vm.positionAt(0, 0), "the first pass inverts layer 2, which runs right to left");
    assertEquals(0, vm.positionAt(1, 0), "the second inverts layer 1, left to right");
    String before = vm.textDuring(1, 0);
    assertEquals(vm.passes().get(0).text(), before, "nothing of pass 2 written yet");
    assertEquals(vm.passes().get(1).text(), vm.textDuring(1, 10), "all written");
    String half = vm.textDuring(1, 5);
    assertEquals(vm.passes().get(1).text().substring(0, 10), half.substring(0, 10), "the left half is written first");
    assertEquals(vm.passes().get(0).text().substring(10), half.substring(10), "the right half still shows pass 1");
    assertEquals(3, vm.rows().size(), "the starting noise, then a row per pass");
    assertEquals(-1, vm.rows().get(0).pass());
    assertEquals(20, vm.rows().get(0).text().length());
    assertEquals(vm.rows().get(0).text(), vm.textDuring(0, 0), "pass 1 starts from the noise as it reads");
  }

  @Test
  void thePromptsPositionsAreFixedInEveryRowAndSurviveARunFile(@TempDir Path models) throws Exception {
    AppViewModel app = TinyModels.openFlow(models, 1, worker, ui);
    CurrentRun current = new CurrentRun();
    RefinementViewModel vm = new RefinementViewModel(app, current, ui);
    vm.promptProperty().set("the ");
    vm.lengthProperty().set(6);
    vm.run();
    ui.runUntil(() -> !vm.runningProperty().get() && vm.resultProperty().get() != null);
    for (int j = 0; j < 10; j++) {
      assertEquals(j < 4, vm.isFixed(j), "position " + j);
    }
    assertEquals('h', vm.fixedChar(1));
    java.nio.file.Path file = models.resolve("run.json");
    org.tarflowlm.runtime.RunFiles.save(current.get(), file);
    CurrentRun opened = new CurrentRun();
    RefinementViewModel replay = new RefinementViewModel(app, opened, ui);
    opened.replay(org.tarflowlm.runtime.RunFiles.load(file), "run.json");
    assertEquals(vm.rows(), replay.rows(), "a saved run shows the same rows, the noise included");
    assertTrue(replay.isFixed(3));
    assertFalse(replay.isFixed(4));
  }

  @Test
  void aTemplateIsRefinedAsInfillAndWritesWhatGenerateWrites(@TempDir Path models) throws Exception {
    AppViewModel app = TinyModels.openFlow(models, 1, worker, ui);
    String template = "the ____ of the union is strong";
    GenerateViewModel generate = new GenerateViewModel(app, new CurrentRun(), ui);
    generate.promptProperty().set(template);
    generate.seedProperty().set(4);
    generate.generate();
    ui.runUntil(() -> !generate.runningProperty().get() && generate.resultProperty().get() != null);
    RefinementViewModel vm = new RefinementViewModel(app, new CurrentRun(), ui);
    vm.promptProperty().set(template);
    vm.seedProperty().set(4);
    vm.run();
    ui.runUntil(() -> !vm.runningProperty().get() && vm.resultProperty().get() != null);
    String refined = vm.resultProperty().get().text();
    assertEquals(template.length(), refined.length(), "the blanks filled in place, nothing appended: " + refined);
    assertEquals("the ", refined.substring(0, 4));
    assertEquals(" of the union is strong", refined.substring(8));
    assertEquals(generate.resultProperty().get().text(), refined);
    assertTrue(vm.isFixed(0) && !vm.isFixed(4) && vm.isFixed(8), "the template's own characters are the fixed ones");
  }

  @Test
  void playWalksEveryPositionOfEveryPassOnceAndStops(@TempDir Path models) throws Exception {
    AppViewModel app = TinyModels.openFlow(models, 2, worker, ui);
    RefinementViewModel vm = new RefinementViewModel(app, new CurrentRun(), ui);
    vm.lengthProperty().set(20);
    vm.run();
    ui.runUntil(() -> !vm.runningProperty().get() && vm.resultProperty().get() != null);
    vm.rewindIfAtEnd();
    java.util.List<String> frames = new java.util.ArrayList<>();
    frames.add(vm.shownProperty().get() + ":" + vm.stepProperty().get());
    int guard = 0;
    while (vm.playFrame() && guard++ < 1000) {
      frames.add(vm.shownProperty().get() + ":" + vm.stepProperty().get());
    }
    java.util.List<String> expected = new java.util.ArrayList<>();
    for (int pass = 0; pass < 2; pass++) {
      for (int k = 0; k < 10; k++) {
        expected.add(pass + ":" + k); // the position slider moves through the pass
      }
      expected.add(pass + ":-1"); // then the pass is shown complete
    }
    assertEquals(expected, frames, "every position once, then it stops rather than looping");
    assertFalse(vm.playFrame(), "it stays stopped at the end");
  }
}
