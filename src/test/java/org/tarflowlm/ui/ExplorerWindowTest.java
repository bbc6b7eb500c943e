package org.tarflowlm.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import javafx.application.Platform;
import java.util.List;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.control.Label;
import javafx.scene.layout.FlowPane;
import javafx.scene.input.KeyCode;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.testfx.framework.junit5.ApplicationTest;
import org.testfx.util.WaitForAsyncUtils;

/** Drives the real window headlessly (Monocle) as a user would: type, generate, stop, step layers, switch models. */
class ExplorerWindowTest extends ApplicationTest {
  private static Path models;
  private AppViewModel app;
  private LayersViewModel layers;
  private ModelWorker worker;
  private Workspace ws;
  private MainView view;

  @Override
  public void start(Stage stage) throws Exception {
    models = Files.createTempDirectory("tarflowlm-ui");
    Path p1 = TinyModels.flow(models, "mixd-p1", 1);
    Files.writeString(p1.resolve("card.md"), "# mixd-p1\n\nA *tiny* test model.\n\n| model | bpc |\n|---|---|\n| mixd-p1 | 1.99 |\n");
    Files.writeString(p1.resolve("curves.csv"), """
        step,stage,stage_step,lr,train_bpc,val_bpc,chars_per_s,seconds
        250,1,250,0.001,3.38,3.42,3917,358
        500,1,500,0.001,3.32,3.32,2488,1183
        550,2,50,0.0005,3.30,3.31,16453,4888
        """);
    TinyModels.flow(models, "mixd-p2", 2);
    TinyModels.corrupt(models, "broken");
    worker = new ModelWorker(Platform::runLater);
    app = new AppViewModel(worker, models, "cpu");
    ws = new Workspace(app, Platform::runLater);
    layers = ws.layers;
    view = new MainView(ws);
    Scene scene = new Scene(view, 1200, 760);
    scene.getStylesheets().add(ExplorerApp.class.getResource("explorer.css").toExternalForm());
    stage.setScene(scene);
    stage.show();
    app.scanModels();
    app.request(models.resolve("mixd-p1"));
  }

  @AfterAll
  static void cleanUp() throws Exception {
    if (models != null) {
      try (var files = Files.walk(models)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  /** The text of every Text node in and under the given nodes, in order. */
  private static String texts(java.util.Collection<Node> nodes) {
    StringBuilder sb = new StringBuilder();
    for (Node n : nodes) {
      if (n instanceof javafx.scene.text.Text t) {
        sb.append(t.getText());
      } else if (n instanceof javafx.scene.Parent p) {
        sb.append(texts(p.getChildrenUnmodifiable()));
      }
    }
    return sb.toString();
  }

  private void waitFor(java.util.concurrent.Callable<Boolean> condition) throws Exception {
    WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, condition);
  }

  @Test
  void typingAPromptAndGeneratingShadesEveryCharacter() throws Exception {
    waitFor(() -> app.runtime() != null);
    clickOn("#prompt").eraseText(40).write("Once upon");
    Label note = lookup("#normalization").queryAs(Label.class);
    assertEquals("the model reads: \"once upon\"", note.getText());
    clickOn("#generate");
    waitFor(() -> !lookup("#summary").queryAs(Label.class).getText().isEmpty());
    FlowPane scored = lookup("#scored").queryAs(FlowPane.class);
    assertEquals(9 + 120, scored.lookupAll(".cell").size() + scored.lookupAll(".cell-prompt").size(),
        "a shaded cell per character");
    String text = ws.generate.resultProperty().get().text();
    long words = java.util.Arrays.stream(text.split(" ")).filter(w -> !w.isEmpty()).count();
    long spaces = text.chars().filter(c -> c == ' ').count();
    assertEquals(words + spaces, scored.getChildren().size(), "one wrapping unit per word and per space");
    assertTrue(lookup("#summary").queryAs(Label.class).getText().contains("bits/char"));
    assertEquals("CPU", lookup("#device").queryAs(Label.class).getText());
  }

  @Test
  void stopInterruptsAGeneration() throws Exception {
    waitFor(() -> app.runtime() != null);
    interact(() -> ws.generate.lengthProperty().set(150));
    // The tiny model writes 150 characters in 0.05 s, faster than a key press lands: hold the worker
    // until Stop is pressed, so the run is stopped at its first step whatever the machine's speed.
    java.util.concurrent.CountDownLatch pressed = new java.util.concurrent.CountDownLatch(1);
    interact(() -> app.worker().submit(c -> {
      pressed.await();
      return null;
    }, x -> { }, () -> { }, m -> { }));
    clickOn("#generate");
    // Stop has the focus while the run goes, so Space stops it at once
    assertEquals("stop", view.getScene().getFocusOwner().getId());
    type(javafx.scene.input.KeyCode.SPACE);
    pressed.countDown();
    waitFor(() -> !ws.generate.runningProperty().get());
    WaitForAsyncUtils.waitForFxEvents();
    assertEquals(GenerateViewModel.STOPPED, lookup("#summary").queryAs(Label.class).getText(),
        "the run ended at Stop, not by finishing");
    assertTrue(ws.generate.cells().isEmpty(), "a stopped run is not scored");
    assertFalse(lookup("#generate").queryButton().isDisabled(), "Generate is available again");
  }

  @Test
  void aGeneratedTextBecomesTheRunEveryViewShows() throws Exception {
    waitFor(() -> app.runtime() != null);
    interact(() -> ws.generate.lengthProperty().set(24));
    clickOn("#generate");
    waitFor(() -> ws.generate.resultProperty().get() != null && layers.traceProperty().get() != null
        && !layers.runningProperty().get());
    WaitForAsyncUtils.waitForFxEvents();
    String generated = ws.generate.resultProperty().get().text();
    assertEquals(generated, layers.traceProperty().get().scored(), "the text as written, not normalized");
    clickOn("#tab-mixture-components");
    assertTrue(lookup("#mixture-caption").queryAs(Label.class).getText().startsWith("mixd-p1 on \""),
        lookup("#mixture-caption").queryAs(Label.class).getText());
    clickOn("#tab-latent-trajectories");
    assertTrue(lookup("#trajectory-caption").queryAs(Label.class).getText().startsWith("mixd-p1 on \""));
  }

  @Test
  void ctrlEnterRunsTheViewAndAClickedCharacterIsSelectedInEveryView() throws Exception {
    waitFor(() -> app.runtime() != null);
    interact(() -> ws.generate.lengthProperty().set(24));
    clickOn("#prompt");
    press(KeyCode.CONTROL, KeyCode.ENTER).release(KeyCode.ENTER, KeyCode.CONTROL);
    waitFor(() -> ws.generate.resultProperty().get() != null && layers.traceProperty().get() != null
        && !layers.runningProperty().get() && ws.trajectory.fitProperty().get() != null);
    WaitForAsyncUtils.waitForFxEvents();
    List<Node> cells = List.copyOf(from(lookup("#scored").<Node>query()).lookup(".cell").queryAll());
    assertEquals(24, cells.size(), "Ctrl+Enter in the prompt field generated");
    clickOn("#copy-text");
    assertEquals(ws.generate.resultProperty().get().text(),
        WaitForAsyncUtils.asyncFx(() -> javafx.scene.input.Clipboard.getSystemClipboard().getString()).get(),
        "Copy text puts the generated text on the clipboard");
    clickOn("#show-plain");
    assertEquals(ws.generate.resultProperty().get().text(),
        lookup("#plain-text").queryAs(javafx.scene.control.TextArea.class).getText(), "and shows it, to select");
    clickOn(cells.get(3));
    assertEquals(3, ws.selection.characterProperty().get());
    assertEquals(3, ws.trajectory.selectedProperty().get(), "the path in Latent trajectories");
    assertEquals(3, ws.mixture.positionProperty().get(), "the position in Mixture components (P = 1)");
    assertTrue(cells.get(3).getStyleClass().contains("selected"));
    clickOn("#tab-flow-layers");
    Node layersView = lookup(".layers-view").<Node>query();
    int states = layers.traceProperty().get().states().size();
    assertEquals(states, from(layersView).lookup(".selected").queryAll().size(), "marked in every layer's row");
    List<Node> layerCells = List.copyOf(from(layersView).lookup(".cell").queryAll());
    moveTo(layerCells.get(7));
    assertEquals(7, ws.selection.hoveredProperty().get());
    assertEquals(states, from(layersView).lookup(".hovered").queryAll().size(), "hovering marks it in every row");
    clickOn(layerCells.get(7));
    assertEquals(7, ws.selection.characterProperty().get(), "a click in Flow layers selects too");
    assertEquals(7, ws.mixture.positionProperty().get());
  }

  @Test
  void switchingTheModelClearsWhatTheOtherModelWrote() throws Exception {
    waitFor(() -> app.runtime() != null);
    interact(() -> ws.generate.lengthProperty().set(16));
    clickOn("#generate");
    waitFor(() -> ws.generate.resultProperty().get() != null && !layers.runningProperty().get());
    interact(() -> ws.refinement.run());
    waitFor(() -> ws.refinement.resultProperty().get() != null);
    interact(() -> app.request(models.resolve("mixd-p2")));
    waitFor(() -> ws.current.get() != null && ws.current.get().model().equals("mixd-p2"));
    WaitForAsyncUtils.waitForFxEvents();
    assertEquals(null, ws.generate.resultProperty().get());
    assertEquals(0, lookup("#scored").queryAs(FlowPane.class).getChildren().size(), "no text shaded by the wrong model");
    assertTrue(lookup("#summary").queryAs(Label.class).getText().startsWith("mixd-p2 is open now"),
        lookup("#summary").queryAs(Label.class).getText());
    assertTrue(ws.refinement.passes().isEmpty());
    assertTrue(ws.refinement.noteProperty().get().contains("mixd-p1 wrote were cleared"), ws.refinement.noteProperty().get());
  }

  @Test
  void switchingTheModelTracesTheCurrentTextAgain() throws Exception {
    waitFor(() -> app.runtime() != null);
    clickOn("#tab-flow-layers");
    clickOn("#layers-text").eraseText(60).write("hello world");
    clickOn("#trace");
    waitFor(() -> layers.traceProperty().get() != null);
    interact(() -> app.request(models.resolve("mixd-p2")));
    waitFor(() -> layers.traceProperty().get() != null && "mixd-p2".equals(layers.traceProperty().get().model()));
    WaitForAsyncUtils.waitForFxEvents();
    assertTrue(lookup("#layers-caption").queryAs(Label.class).getText().startsWith("mixd-p2 on \"hello world\""),
        lookup("#layers-caption").queryAs(Label.class).getText());
  }

  @Test
  void refinementWritesWhatGenerateWroteWithTheSameSettings() throws Exception {
    waitFor(() -> app.runtime() != null);
    interact(() -> {
      ws.generate.promptProperty().set("the");
      ws.generate.lengthProperty().set(30);
      ws.generate.temperatureProperty().set(0.8);
      ws.generate.seedProperty().set(5);
    });
    assertEquals(30, ws.refinement.lengthProperty().get(), "Refinement shares Generate's settings");
    assertEquals(0.8, ws.refinement.temperatureProperty().get(), 0);
    clickOn("#generate");
    waitFor(() -> ws.generate.resultProperty().get() != null && !layers.runningProperty().get());
    interact(() -> ws.refinement.run());
    waitFor(() -> ws.refinement.resultProperty().get() != null);
    assertEquals(ws.generate.resultProperty().get().text(), ws.refinement.resultProperty().get().text());
  }

  @Test
  void focusStaysOnGenerateAfterARun() throws Exception {
    waitFor(() -> app.runtime() != null);
    interact(() -> ws.generate.lengthProperty().set(20));
    clickOn("#generate");
    waitFor(() -> !ws.generate.runningProperty().get() && !ws.generate.cells().isEmpty());
    WaitForAsyncUtils.waitForFxEvents();
    javafx.scene.Node owner = view.getScene().getFocusOwner();
    assertEquals("generate", owner == null ? null : owner.getId(), "not the model picker");
    type(javafx.scene.input.KeyCode.DOWN);
    WaitForAsyncUtils.waitForFxEvents();
    assertEquals(models.resolve("mixd-p1"), app.selectedModelProperty().get(), "an arrow key does not switch the model");
  }

  @Test
  void lettersInANumberFieldMarkItAndDisableGenerate() throws Exception {
    waitFor(() -> app.runtime() != null);
    java.util.List<Throwable> uncaught = new java.util.concurrent.CopyOnWriteArrayList<>();
    interact(() -> Thread.currentThread().setUncaughtExceptionHandler((t, e) -> uncaught.add(e)));
    javafx.scene.control.Spinner<?> temperature = lookup("#temperature").queryAs(javafx.scene.control.Spinner.class);
    doubleClickOn(temperature.getEditor()).eraseText(8).write("hot");
    type(javafx.scene.input.KeyCode.TAB);
    WaitForAsyncUtils.waitForFxEvents();
    assertTrue(uncaught.isEmpty(), "no exception on the JavaFX thread: " + uncaught);
    assertTrue(temperature.getEditor().getPseudoClassStates().contains(NumberFields.INVALID), "the field is marked");
    assertTrue(lookup("#generate").queryButton().isDisabled(), "Generate waits for a valid temperature");
    doubleClickOn(temperature.getEditor()).eraseText(8).write("0.8");
    WaitForAsyncUtils.waitForFxEvents();
    assertFalse(lookup("#generate").queryButton().isDisabled());
    assertEquals(0.8, ws.generate.temperatureProperty().get(), 1e-12);
    clickOn("#tab-latent-trajectories");
    javafx.scene.control.Spinner<?> position = lookup("#trajectory-position").queryAs(javafx.scene.control.Spinner.class);
    doubleClickOn(position.getEditor()).eraseText(8).write("abc");
    type(javafx.scene.input.KeyCode.TAB);
    WaitForAsyncUtils.waitForFxEvents();
    assertTrue(uncaught.isEmpty(), "no exception on the JavaFX thread: " + uncaught);
    assertTrue(position.getEditor().getPseudoClassStates().contains(NumberFields.INVALID));
  }

  @Test
  void layerStepperStepsBetweenTextAndNoise() throws Exception {
    waitFor(() -> app.runtime() != null);
    clickOn("#tab-flow-layers");
    clickOn("#layers-text").eraseText(60).write("hello world");
    clickOn("#trace");
    waitFor(() -> layers.traceProperty().get() != null);
    WaitForAsyncUtils.waitForFxEvents();
    assertEquals(3, lookup(".layer-row").queryAll().size(), "z and two layers");
    clickOn("#step-forward");
    clickOn("#step-forward");
    assertEquals(2, layers.currentProperty().get());
    clickOn("#step-forward");
    assertEquals(2, layers.currentProperty().get(), "u is the last state");
    clickOn("#step-back");
    assertEquals(1, layers.currentProperty().get());
    assertTrue(lookup(".layer-row.current").tryQuery().isPresent());
  }

  @Test
  void theTracedRunIsDrawnInTrajectoriesAndMixtures() throws Exception {
    waitFor(() -> app.runtime() != null);
    clickOn("#tab-flow-layers");
    clickOn("#layers-text").eraseText(60).write("abc def");
    clickOn("#trace");
    waitFor(() -> layers.traceProperty().get() != null);
    clickOn("#tab-latent-trajectories");
    waitFor(() -> lookup("#measures").queryTableView().getItems().size() == 3);
    clickOn("#tab-mixture-components");
    waitFor(() -> lookup("#mixture-summary").queryAs(Label.class).getText().startsWith("x = "));
    assertTrue(lookup("#mixture-h").queryAs(Label.class).getText().contains("h = "));
    interact(() -> ws.mixture.layerProperty().set(2));
    WaitForAsyncUtils.waitForFxEvents();
    assertTrue(lookup("#mixture-layer-label").queryAs(Label.class).getText().contains("mix1"));
  }

  @Test
  void interpolationDecodesEveryStep() throws Exception {
    waitFor(() -> app.runtime() != null);
    clickOn("#tab-interpolation");
    interact(() -> ws.interpolation.stepsProperty().set(3));
    clickOn("#interp-run");
    waitFor(() -> ws.interpolation.resultProperty().get() != null);
    WaitForAsyncUtils.waitForFxEvents();
    assertEquals(4, lookup(".interpolation-view .pass-line").queryAll().size());
  }

  @Test
  void modelCardTabPlotsTheCurvesTheFolderShips() throws Exception {
    waitFor(() -> app.runtime() != null);
    clickOn("#tab-model-card");
    waitFor(() -> lookup("#curves-summary").queryAs(Label.class).getText().startsWith("3 evaluations"));
    assertTrue(lookup("#curves-summary").queryAs(Label.class).getText().contains("stage 2 3.3100"));
    Node card = lookup("#card-rendered").<Node>query();
    assertEquals("mixd-p1", texts(from(card).lookup(".md-h1").queryAll()), "the heading is rendered, not '# mixd-p1'");
    assertEquals("tiny", texts(from(card).lookup(".md-em").queryAll()));
    assertEquals(2, from(card).lookup(".md-th").queryAll().size(), "the table's header cells");
    assertEquals("mixd-p11.99", texts(from(card).lookup(".md-td").queryAll()));
    clickOn("#card-source");
    assertTrue(lookup("#card-text").queryAs(javafx.scene.control.TextArea.class).getText().contains("| model | bpc |"),
        "the source, to select and copy");
    clickOn("#card-source");
    interact(() -> app.request(models.resolve("mixd-p2")));
    waitFor(() -> lookup("#curves-summary").queryAs(Label.class).getText().contains("ships no curves.csv"));
    assertTrue(texts(from(lookup("#card-rendered").<Node>query()).lookup(".md-text").queryAll()).contains("no card.md"));
  }

  @Test
  void aRunIsExportedAndReplayedExactly() throws Exception {
    waitFor(() -> app.runtime() != null);
    clickOn("#tab-flow-layers");
    clickOn("#layers-text").eraseText(60).write("replay me");
    clickOn("#trace");
    waitFor(() -> layers.traceProperty().get() != null);
    WaitForAsyncUtils.waitForFxEvents();
    Path csv = models.resolve("layers.csv");
    Path png = models.resolve("layers.png");
    Path run = models.resolve("run.json");
    interact(() -> {
      try {
        view.exportCsv(csv);
        view.exportPng(png);
        ws.save(run);
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
    List<String> lines = Files.readAllLines(csv);
    assertTrue(lines.get(0).startsWith("# mixd-p1 on \"replay me\""), "the export names its model and text: " + lines.get(0));
    assertTrue(lines.get(1).startsWith("state,label,position"));
    assertEquals(2 + 3 * 9, lines.size(), "the caption, the header, a line per state and character");
    assertTrue(Files.size(png) > 1000);
    float[] before = layers.traceProperty().get().totalBits();
    interact(() -> ws.current.clear());
    interact(() -> {
      try {
        ws.open(run);
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
    org.junit.jupiter.api.Assertions.assertArrayEquals(before, layers.traceProperty().get().totalBits());
    assertEquals(3, lookup(".layer-row").queryAll().size());
    Files.writeString(run, "{ broken");
    interact(() -> assertThrowsIo(() -> ws.open(run)));
  }

  @Test
  void aSavedRunRestoresWhatEveryViewShowed() throws Exception {
    waitFor(() -> app.runtime() != null);
    interact(() -> {
      ws.generate.lengthProperty().set(30);
      ws.generate.seedProperty().set(1);
    });
    clickOn("#generate");
    waitFor(() -> !ws.generate.cells().isEmpty() && layers.traceProperty().get() != null && !layers.runningProperty().get());
    interact(() -> ws.refinement.run());
    waitFor(() -> ws.refinement.resultProperty().get() != null && !layers.runningProperty().get()); // it traces the refined text
    WaitForAsyncUtils.waitForFxEvents();
    java.util.List<CharCell> cells = java.util.List.copyOf(ws.generate.cells());
    String summary = ws.generate.summaryProperty().get();
    String generated = ws.generate.resultProperty().get().text();
    java.util.List<String> refined = ws.refinement.passes().stream().map(org.tarflowlm.runtime.PassResult::text).toList();
    double[] roundTrip = layers.roundTripProperty().get();
    Path run = models.resolve("everything.json");
    interact(() -> {
      try {
        ws.save(run);
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
    interact(() -> ws.current.clear());
    interact(() -> {
      try {
        ws.open(run);
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
    assertEquals(cells, java.util.List.copyOf(ws.generate.cells()), "Generate's shaded text");
    assertEquals(summary, ws.generate.summaryProperty().get(), "and its summary line");
    assertEquals(generated, ws.generate.resultProperty().get().text(), "Generate's run, not Refinement's");
    assertEquals(refined, ws.refinement.passes().stream().map(org.tarflowlm.runtime.PassResult::text).toList());
    org.junit.jupiter.api.Assertions.assertArrayEquals(roundTrip, layers.roundTripProperty().get(), "Flow layers' round trip");
  }

  private static void assertThrowsIo(org.junit.jupiter.api.function.Executable e) {
    org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class, e);
  }

  @Test
  void failedModelOpenKeepsTheOpenModel() throws Exception {
    waitFor(() -> app.runtime() != null);
    Path elsewhere = Files.createTempDirectory(models, "elsewhere");
    Path truncated = TinyModels.corrupt(elsewhere, "truncated");
    java.util.List<Path> listed = java.util.List.copyOf(app.models());
    interact(() -> app.open(truncated));
    waitFor(() -> lookup("#status").queryAs(Label.class).getText().startsWith("could not open truncated"));
    WaitForAsyncUtils.waitForFxEvents();
    assertEquals(listed, java.util.List.copyOf(app.models()), "the list is as it was");
    assertEquals(models.resolve("mixd-p1"), app.selectedModelProperty().get(), "what the settings save");
    assertEquals(models.resolve("mixd-p1"), lookup("#model-picker").queryComboBox().getValue(), "the picker");
    assertTrue(app.runtime().folder().endsWith("mixd-p1"), "Generate still runs on the open model");
    assertTrue(lookup("#status").queryAs(Label.class).getText().contains("still on mixd-p1"));
  }

  @Test
  void savedModelThatNoLongerOpensFallsBackToTheDefault() throws Exception {
    waitFor(() -> app.runtime() != null);
    interact(() -> app.request(models.resolve("mixd-p2")));
    waitFor(() -> app.runtime().folder().endsWith("mixd-p2"));
    interact(() -> app.openAtStart(models.resolve("broken"), models.resolve("mixd-p1")));
    waitFor(() -> app.runtime().folder().endsWith("mixd-p1"));
    assertTrue(lookup("#status").queryAs(Label.class).getText().contains("mixd-p1"));
    assertEquals(models.resolve("mixd-p1"), app.selectedModelProperty().get());
  }

  @Test
  void arrowingThroughTheOpenModelListLoadsOnlyTheConfirmedChoice() throws Exception {
    waitFor(() -> app.runtime() != null);
    java.util.List<Path> loaded = new java.util.ArrayList<>();
    interact(() -> app.runtimeProperty().addListener((o, a, rt) -> loaded.add(rt.folder())));
    clickOn("#model-picker");
    WaitForAsyncUtils.waitForFxEvents();
    type(javafx.scene.input.KeyCode.DOWN);
    type(javafx.scene.input.KeyCode.DOWN);
    WaitForAsyncUtils.waitForFxEvents();
    assertTrue(loaded.isEmpty(), "nothing loads while the list is open: " + loaded);
    assertEquals(models.resolve("mixd-p1"), app.selectedModelProperty().get());
    type(javafx.scene.input.KeyCode.ENTER);
    WaitForAsyncUtils.waitForFxEvents();
    waitFor(() -> !app.loadingProperty().get() && !loaded.isEmpty());
    assertEquals(1, loaded.size(), "one load, of the confirmed choice: " + loaded);
  }

  @Test
  void switchingModelsAndOpeningACorruptOneKeepsTheWindowUsable() throws Exception {
    waitFor(() -> app.runtime() != null);
    interact(() -> app.request(models.resolve("mixd-p2")));
    waitFor(() -> app.runtime().folder().endsWith("mixd-p2"));
    assertTrue(lookup("#status").queryAs(Label.class).getText().contains("P=2"));
    interact(() -> app.request(models.resolve("broken")));
    waitFor(() -> lookup("#status").queryAs(Label.class).getText().startsWith("could not open"));
    assertTrue(app.runtime().folder().endsWith("mixd-p2"), "the last good model stays open");
  }
}
