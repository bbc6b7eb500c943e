package org.tarflowlm.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javafx.application.Platform;
import javafx.scene.Scene;
import javafx.stage.Stage;
import org.tarflowlm.runtime.ForwardTrace;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.testfx.framework.junit5.ApplicationTest;
import org.testfx.util.WaitForAsyncUtils;

/**
 * The views show one run: the regressions of issue 22, each driven through the real window
 * (Monocle) the way the issue found it.
 */
class ViewsShareOneRunTest extends ApplicationTest {
  private static Path models;
  private final List<Throwable> uncaught = new CopyOnWriteArrayList<>();
  private AppViewModel app;
  private Workspace ws;
  private MainView view;

  @Override
  public void start(Stage stage) throws Exception {
    models = Files.createTempDirectory("tarflowlm-shared");
    TinyModels.flow(models, "mixd-p1", 1);
    TinyModels.flow(models, "mixd-p2", 2);
    TinyModels.flow(models, "mixd-p4", 4);
    Thread.currentThread().setUncaughtExceptionHandler((t, e) -> uncaught.add(e));
    ModelWorker worker = new ModelWorker(Platform::runLater);
    app = new AppViewModel(worker, models, "cpu");
    ws = new Workspace(app, Platform::runLater);
    view = new MainView(ws);
    Scene scene = new Scene(view, 1200, 760);
    scene.getStylesheets().add(ExplorerApp.class.getResource("explorer.css").toExternalForm());
    stage.setScene(scene);
    stage.show();
    app.scanModels();
    app.request(models.resolve("mixd-p1"));
  }

  @AfterEach
  void noExceptionOnTheFxThread() {
    WaitForAsyncUtils.waitForFxEvents();
    assertTrue(uncaught.isEmpty(), "no exception on the JavaFX thread: " + uncaught);
  }

  @AfterAll
  static void cleanUp() throws Exception {
    if (models != null) {
      try (var files = Files.walk(models)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private void waitFor(java.util.concurrent.Callable<Boolean> condition) throws Exception {
    WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, condition);
    WaitForAsyncUtils.waitForFxEvents();
  }

  private void open(String model) throws Exception {
    waitFor(() -> app.runtime() != null);
    interact(() -> app.request(models.resolve(model)));
    waitFor(() -> app.runtime() != null && app.runtime().name().equals(model) && !app.loadingProperty().get());
  }

  /** Generates and waits until every view that follows the run has drawn it. */
  private void generate(long seed) throws Exception {
    interact(() -> ws.generate.seedProperty().set(seed));
    clickOn("#tab-generate");
    clickOn("#generate");
    waitFor(() -> !ws.generate.runningProperty().get() && ws.generate.resultProperty().get() != null
        && !ws.layers.runningProperty().get() && ws.layers.traceProperty().get() != null
        && ws.layers.traceProperty().get().text().original().equals(ws.generate.resultProperty().get().text())
        && drawn());
  }

  /** Waits until the worker has run every job queued so far, and the jobs those queued. */
  private void settle() throws Exception {
    for (int round = 0; round < 3; round++) {
      java.util.concurrent.atomic.AtomicBoolean idle = new java.util.concurrent.atomic.AtomicBoolean();
      interact(() -> app.worker().submit(c -> null, x -> idle.set(true), () -> { }, m -> { }));
      waitFor(idle::get);
    }
  }

  /** Latent trajectories fitted the current trace. */
  private boolean drawn() {
    TrajectoryViewModel.Fit fit = ws.trajectory.fitProperty().get();
    return fit != null && fit.trace() == ws.layers.traceProperty().get();
  }

  private void trace(String text) throws Exception {
    clickOn("#tab-flow-layers");
    interact(() -> {
      ws.layers.textProperty().set(text);
      ws.layers.run();
    });
    waitFor(() -> !ws.layers.runningProperty().get() && ws.layers.traceProperty().get() != null
        && ws.layers.traceProperty().get().text().original().equals(text)
        && drawn());
  }

  /** Generate showed its earlier text beside a typed one that the other views traced: two runs on screen at once. */
  @Test
  void aTypedTextReplacesTheGenerationInEveryView() throws Exception {
    open("mixd-p1");
    interact(() -> ws.generate.lengthProperty().set(40));
    generate(1);
    interact(() -> ws.selection.characterProperty().set(30));
    trace("abc");
    assertEquals(-1, ws.selection.characterProperty().get(), "no selection beyond the 3 characters of the run");
    clickOn("#tab-generate");
    assertEquals(0, lookup("#scored").queryAs(javafx.scene.layout.FlowPane.class).getChildren().size(),
        "no shading of a text that is not the run");
    assertTrue(lookup("#summary").queryAs(javafx.scene.control.Label.class).getText().startsWith("The current run is a text traced"),
        lookup("#summary").queryAs(javafx.scene.control.Label.class).getText());
    assertTrue(ws.refinement.passes().isEmpty(), "no passes of a text that is not the run");
  }

  @Test
  void mixtureComponentsShowTheSelectedCharactersPatchAfterASwitchToAnotherPatchSize() throws Exception {
    open("mixd-p2");
    interact(() -> ws.generate.lengthProperty().set(20));
    generate(1);
    interact(() -> ws.selection.characterProperty().set(12));
    assertEquals(6, ws.mixture.positionProperty().get(), "character 12 is in patch 6 of 2 characters");
    ForwardTrace before = ws.layers.traceProperty().get();
    interact(() -> app.request(models.resolve("mixd-p4")));
    waitFor(() -> ws.layers.traceProperty().get() != null && ws.layers.traceProperty().get() != before
        && !ws.layers.runningProperty().get() && !ws.mixture.loadingProperty().get());
    assertEquals(12, ws.selection.characterProperty().get(), "the same text, traced again: the selection stays");
    assertEquals(3, ws.mixture.positionProperty().get(), "and is in patch 3 of 4 characters");
  }

  @Test
  void aSelectionInTheLastPatchsPaddingEndsWhenAModelWithoutItTracesTheText() throws Exception {
    open("mixd-p4");
    trace("abcde"); // padded to 8 characters on a model of patches of 4
    interact(() -> ws.selection.characterProperty().set(6));
    ForwardTrace before = ws.layers.traceProperty().get();
    interact(() -> app.request(models.resolve("mixd-p1")));
    waitFor(() -> ws.layers.traceProperty().get() != null && ws.layers.traceProperty().get() != before
        && !ws.layers.runningProperty().get());
    assertEquals(5, ws.layers.traceProperty().get().scored().length());
    assertEquals(-1, ws.selection.characterProperty().get(), "no selection beyond the 5 characters");
  }

  @Test
  void aFailedSaveIsSaidUntilTheUserLeavesTheViewItFailedIn() throws Exception {
    open("mixd-p1");
    waitFor(() -> !app.warmingUp());
    clickOn("#tab-interpolation");
    interact(() -> view.saveTo(models.resolve("nothing.csv"), view::exportCsv));
    assertTrue(app.statusProperty().get().startsWith("could not save nothing.csv"), app.statusProperty().get());
    clickOn("#tab-generate");
    assertTrue(app.statusProperty().get().startsWith("mixd-p1: "), "the status names the open model again, not "
        + app.statusProperty().get());
  }

  @Test
  void aReplayedRunIsSavedAgainUnderItsOwnModel() throws Exception {
    open("mixd-p1");
    interact(() -> ws.generate.lengthProperty().set(12));
    generate(1);
    Path file = models.resolve("run.json");
    interact(() -> view.saveTo(file, ws::save));
    Files.writeString(file, Files.readString(file).replace("\"mixd-p1\"", "\"retired-p1\""));
    interact(() -> view.openRun(file));
    Path again = models.resolve("again.json");
    interact(() -> view.saveTo(again, ws::save));
    assertEquals("retired-p1", org.tarflowlm.runtime.RunFiles.load(again).model(), "not the open mixd-p1");
  }

  @Test
  void latentTrajectoriesDrawEveryRunAfterAShorterOne() throws Exception {
    open("mixd-p1");
    interact(() -> ws.generate.lengthProperty().set(40));
    generate(1);
    clickOn("#tab-latent-trajectories");
    trace("abc");
    clickOn("#tab-latent-trajectories");
    generate(2);
    clickOn("#tab-latent-trajectories");
    assertEquals(3, lookup("#measures").queryTableView().getItems().size(), "a row per state");
    org.jfree.chart.fx.ChartViewer chart = from(lookup(".trajectory-view").<javafx.scene.Node>query())
        .lookup((javafx.scene.Node n) -> n instanceof org.jfree.chart.fx.ChartViewer).query();
    assertEquals(40 + 1, chart.getChart().getXYPlot().getDataset().getSeriesCount(), "a path per character and the codebook");
  }

  @Test
  void flowLayersTraceTheGeneratedTextExactlyAsWritten() throws Exception {
    open("mixd-p4");
    interact(() -> {
      ws.generate.promptProperty().set("hello"); // padded to "   hello": a run of spaces normalizing would collapse
      ws.generate.lengthProperty().set(8);
    });
    clickOn("#generate");
    waitFor(() -> !ws.generate.runningProperty().get() && ws.generate.resultProperty().get() != null
        && !ws.layers.runningProperty().get() && ws.layers.traceProperty().get() != null);
    String written = ws.generate.resultProperty().get().text();
    assertTrue(written.startsWith("   hello"), written);
    assertEquals(written, ws.layers.traceProperty().get().scored(), "the characters every view indexes the selection by");
  }

  @Test
  void aCharacterSelectedRightAfterAGenerateIsSelectedInFlowLayers() throws Exception {
    open("mixd-p1");
    interact(() -> ws.generate.lengthProperty().set(20));
    generate(1);
    // Selected as soon as the next run is published, before Flow layers and Trajectories have drawn it.
    interact(() -> ws.generate.resultProperty().addListener((o, a, r) -> {
      if (r != null) {
        Platform.runLater(() -> ws.selection.characterProperty().set(5));
      }
    }));
    generate(2);
    assertEquals(5, ws.selection.characterProperty().get());
    assertEquals(5, ws.trajectory.selectedProperty().get());
    clickOn("#tab-flow-layers");
    int states = ws.layers.traceProperty().get().states().size();
    assertEquals(states, lookup(".layers-view .selected").queryAll().size(), "marked in every layer's row");
  }

  @Test
  void aGenerationCutShortByAModelSwitchNeverBecomesTheRun() throws Exception {
    open("mixd-p1");
    interact(() -> {
      ws.generate.lengthProperty().set(150);
      ws.generate.generate();
      app.request(models.resolve("mixd-p2"));
    });
    waitFor(() -> app.runtime().name().equals("mixd-p2") && !app.loadingProperty().get());
    settle();
    assertEquals(null, ws.generate.resultProperty().get(), "no result from the model that was closed");
    assertTrue(ws.layers.traceProperty().get() == null, "nor a trace of its text, on either model");
  }

  @Test
  void aReplayedRunOfAnotherModelIsLabelledWithItsModelInEveryView() throws Exception {
    open("mixd-p1");
    interact(() -> ws.generate.lengthProperty().set(20));
    generate(1);
    interact(() -> ws.refinement.run());
    waitFor(() -> !ws.refinement.runningProperty().get() && ws.refinement.resultProperty().get() != null
        && !ws.layers.runningProperty().get());
    Path run = models.resolve("ghost-run.json");
    interact(() -> {
      try {
        ws.save(run);
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
    Files.writeString(run, Files.readString(run).replace("mixd-p1", "ghost")); // a model not installed here
    interact(() -> {
      // A trace of the open model still running when the run opens must not replace the replay.
      ws.layers.textProperty().set("a text traced on the open model");
      ws.layers.run();
      try {
        ws.open(run);
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
    settle();
    assertEquals("ghost", ws.layers.traceProperty().get().model(), "the saved trace, not one of the open model");
    assertTrue(ws.layers.captionProperty().get().startsWith("ghost on "), ws.layers.captionProperty().get());
    assertTrue(ws.generate.caption().startsWith("ghost, "), ws.generate.caption());
    assertTrue(ws.refinement.caption().startsWith("ghost, "), ws.refinement.caption());
    assertTrue(app.statusProperty().get().contains("ghost"), app.statusProperty().get());
  }

  @Test
  void nothingOfTheOldModelSurvivesASwitch() throws Exception {
    open("mixd-p1");
    interact(() -> {
      ws.generate.lengthProperty().set(16);
      ws.interpolation.stepsProperty().set(2);
    });
    generate(1);
    interact(() -> ws.refinement.run());
    waitFor(() -> !ws.refinement.runningProperty().get() && ws.refinement.resultProperty().get() != null);
    interact(() -> ws.interpolation.run());
    waitFor(() -> !ws.interpolation.runningProperty().get() && ws.interpolation.resultProperty().get() != null);
    clickOn("#tab-mixture-components");
    waitFor(() -> ws.mixture.summaryProperty().get().startsWith("x = "));
    // What a switch to the baseline does to the run: it has no flow layers, so nothing is traced.
    interact(() -> ws.current.clear());
    assertEquals("", ws.mixture.summaryProperty().get(), "no figures of a run that is gone");
    assertEquals("", ws.mixture.hLabelProperty().get());
    assertEquals("", ws.mixture.layerLabelProperty().get());
    assertTrue(ws.trajectory.fitProperty().get() == null, "no paths of a run that is gone");
    generate(1);
    open("mixd-p2");
    waitFor(() -> ws.current.get() != null && ws.current.get().model().equals("mixd-p2"));
    assertTrue(ws.refinement.noteProperty().get().startsWith("mixd-p2 is open now"), ws.refinement.noteProperty().get());
    open("mixd-p4");
    waitFor(() -> ws.current.get() != null && ws.current.get().model().equals("mixd-p4"));
    for (String shown : List.of(ws.generate.summaryProperty().get(), ws.refinement.noteProperty().get(),
        ws.interpolation.errorProperty().get())) {
      assertTrue(!shown.contains("mixd-p2 is open now"), "a note about a model no longer open: " + shown);
    }
    assertTrue(ws.refinement.noteProperty().get().contains("the passes mixd-p1 wrote"), ws.refinement.noteProperty().get());
  }

  @Test
  void aFailedExportLeavesNoFileAndSaysWhyInWords() throws Exception {
    open("mixd-p1");
    trace("abc");
    Path folder = Files.createDirectory(models.resolve("exports"));
    interact(() -> view.saveTo(folder.resolve("layers.csv"), view::exportCsv));
    assertEquals("saved " + folder.resolve("layers.csv"), app.statusProperty().get());
    assertEquals(List.of(folder.resolve("layers.csv")), listed(folder), "nothing beside it (no temporary file)");
    Path notAFolder = Files.writeString(folder.resolve("not-a-folder"), "a file");
    interact(() -> view.saveTo(notAFolder.resolve("layers.png"), view::exportPng));
    assertEquals("could not save layers.png: " + notAFolder + " is a file, not a folder", app.statusProperty().get());
    interact(() -> view.saveTo(notAFolder.resolve("layers.csv"), view::exportCsv));
    assertEquals("could not save layers.csv: " + notAFolder + " is a file, not a folder", app.statusProperty().get());
    assertEquals(List.of(folder.resolve("layers.csv"), notAFolder), listed(folder));
  }

  private static List<Path> listed(Path folder) throws java.io.IOException {
    try (var files = Files.list(folder)) {
      return files.sorted().toList();
    }
  }
}
