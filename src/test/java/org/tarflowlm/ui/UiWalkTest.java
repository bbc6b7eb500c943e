package org.tarflowlm.ui;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import javafx.application.Platform;
import javafx.scene.Scene;
import javafx.scene.control.Spinner;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.testfx.framework.junit5.ApplicationTest;
import org.testfx.util.WaitForAsyncUtils;

/**
 * A seeded random walk over the window (Monocle, headless): generate with a prompt or a template,
 * Stop, switch models, trace a typed text, select characters, step layers, switch tabs, refine,
 * interpolate, resize, type bad numbers. After every action, once the background jobs are done, it
 * checks the invariants of one current run:
 * <ul>
 *   <li>no uncaught exception on the JavaFX thread, and no background job failed with anything but
 *       a message for the user (an IllegalArgumentException, IllegalStateException or IOException);
 *   <li>every view that shows a run (Generate, Flow layers and what follows its trace, Refinement,
 *       Interpolation) names the open model;
 *   <li>Latent trajectories draw the Flow layers trace itself; Mixture components show figures only
 *       for a trace;
 *   <li>when Flow layers show the generated run, they trace its characters exactly (then padding), and the selected
 *       position is the same index in Generate, Flow layers, Latent trajectories and (its patch) in
 *       Mixture components.
 * </ul>
 * It selects characters through the shared selection, not by clicking cells. A failure prints the
 * seed and the actions; {@code -Dui.walk.seed} and {@code -Dui.walk.actions} replay or lengthen it.
 */
class UiWalkTest extends ApplicationTest {
  private static final List<String> MODELS = List.of("mixd-p1", "mixd-p2", "mixd-p4");
  private static final List<String> PROMPTS = List.of("", "the", "hello world", "Once upon a time,", "  a  b  ");
  private static final List<String> TEMPLATES = List.of("the ____ of the union is strong", "a_c", "__ x __");
  private static final List<String> TABS = List.of("tab-generate", "tab-flow-layers", "tab-latent-trajectories",
      "tab-mixture-components", "tab-multi-pass-refinement", "tab-interpolation", "tab-model-card");
  private static Path models;
  private final List<Throwable> uncaught = new CopyOnWriteArrayList<>();
  private final List<LogRecord> failedJobs = new CopyOnWriteArrayList<>();
  private Stage stage;
  private AppViewModel app;
  private Workspace ws;
  private MainView view;

  @Override
  public void start(Stage stage) throws Exception {
    this.stage = stage;
    models = Files.createTempDirectory("tarflowlm-walk");
    for (String m : MODELS) {
      TinyModels.flow(models, m, Integer.parseInt(m.substring(m.length() - 1)));
    }
    Thread.currentThread().setUncaughtExceptionHandler((t, e) -> uncaught.add(e));
    Logger.getLogger(ModelWorker.class.getName()).addHandler(new Handler() {
      @Override
      public void publish(LogRecord r) {
        Throwable e = r.getThrown();
        if (e != null && !(e instanceof IllegalArgumentException || e instanceof IllegalStateException
            || e instanceof java.io.IOException)) {
          failedJobs.add(r);
        }
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    });
    app = new AppViewModel(new ModelWorker(Platform::runLater), models, "cpu");
    ws = new Workspace(app, Platform::runLater);
    view = new MainView(ws);
    Scene scene = new Scene(view, 1200, 760);
    scene.getStylesheets().add(ExplorerApp.class.getResource("explorer.css").toExternalForm());
    stage.setScene(scene);
    stage.show();
    app.scanModels();
    app.request(models.resolve("mixd-p1"));
  }

  /** TestFX shows every window test in the same stage: leave it as the others expect it. */
  @org.junit.jupiter.api.AfterEach
  void restoreTheStage() {
    interact(() -> {
      stage.setWidth(1200);
      stage.setHeight(760);
      stage.centerOnScreen();
    });
  }

  @AfterAll
  static void cleanUp() throws Exception {
    if (models != null) {
      try (var files = Files.walk(models)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  @Test
  void aRandomWalkKeepsOneTruthAcrossTheViews() throws Exception {
    long seed = Long.getLong("ui.walk.seed", 22);
    int actions = Integer.getInteger("ui.walk.actions", 40);
    Random random = new Random(seed);
    List<String> done = new ArrayList<>();
    idle();
    for (int i = 0; i < actions; i++) {
      String action = act(random);
      done.add(action);
      try {
        idle();
        check();
      } catch (Throwable e) {
        fail("ui walk failed after " + done.size() + " actions, seed " + seed + ": " + e.getMessage()
            + "\nactions:\n  " + String.join("\n  ", done), e);
      }
    }
    System.out.println("ui walk: " + actions + " actions, seed " + seed);
  }

  private String act(Random random) {
    switch (random.nextInt(12)) {
      case 0, 1 -> {
        String prompt = PROMPTS.get(random.nextInt(PROMPTS.size()));
        int length = 8 + random.nextInt(33);
        long s = 1 + random.nextInt(5);
        interact(() -> {
          ws.generate.promptProperty().set(prompt);
          ws.generate.lengthProperty().set(length);
          ws.generate.seedProperty().set(s);
        });
        tab("tab-generate");
        clickOn("#generate");
        return "generate \"" + prompt + "\" length " + length + " seed " + s;
      }
      case 2 -> {
        String template = TEMPLATES.get(random.nextInt(TEMPLATES.size()));
        interact(() -> ws.generate.promptProperty().set(template));
        tab("tab-generate");
        clickOn("#generate");
        return "generate template \"" + template + "\"";
      }
      case 3 -> {
        interact(() -> {
          ws.generate.promptProperty().set("");
          ws.generate.lengthProperty().set(150);
          ws.generate.generate();
          ws.generate.stop();
        });
        return "generate 150 and stop";
      }
      case 4 -> {
        String m = MODELS.get(random.nextInt(MODELS.size()));
        interact(() -> app.request(models.resolve(m)));
        return "switch to " + m;
      }
      case 5 -> {
        String text = PROMPTS.get(1 + random.nextInt(PROMPTS.size() - 1));
        tab("tab-flow-layers");
        interact(() -> ws.layers.textProperty().set(text));
        clickOn("#trace");
        return "trace \"" + text + "\"";
      }
      case 6 -> {
        int length = runLength();
        int c = length == 0 ? -1 : random.nextInt(length);
        interact(() -> ws.selection.toggle(c));
        return "select character " + c;
      }
      case 7 -> {
        boolean forward = random.nextBoolean();
        interact(forward ? ws.layers::forward : ws.layers::backward);
        return forward ? "step a layer forward" : "step a layer back";
      }
      case 8 -> {
        String tab = TABS.get(random.nextInt(TABS.size()));
        tab(tab);
        return "open " + tab;
      }
      case 9 -> {
        boolean refine = random.nextBoolean();
        interact(() -> {
          ws.interpolation.stepsProperty().set(2);
          if (refine) {
            ws.refinement.run();
          } else {
            ws.interpolation.run();
          }
        });
        return refine ? "refine" : "interpolate";
      }
      case 10 -> {
        // At most Monocle's headless screen (1280x800): a window reaching past it overflows the
        // painter's buffer, on this test and on every window test after it in the JVM.
        int[][] sizes = {{800, 500}, {1000, 650}, {1280, 800}};
        int[] size = sizes[random.nextInt(sizes.length)];
        interact(() -> {
          stage.setX(0);
          stage.setY(0);
          stage.setWidth(size[0]);
          stage.setHeight(size[1]);
        });
        return "resize to " + size[0] + "x" + size[1];
      }
      default -> {
        tab("tab-generate");
        Spinner<?> temperature = lookup("#temperature").queryAs(Spinner.class);
        interact(() -> temperature.getEditor().setText("0"));
        if (!lookup("#generate").queryButton().isDisabled()) {
          throw new AssertionError("Generate is enabled with temperature 0");
        }
        interact(() -> temperature.getEditor().setText("1"));
        return "type temperature 0, then 1";
      }
    }
  }

  /** Opens a tab as its header would; in a narrow window the header may be scrolled out of sight. */
  private void tab(String id) {
    interact(() -> view.tabs().getSelectionModel().select(
        view.tabs().getTabs().stream().filter(t -> id.equals(t.getId())).findFirst().orElseThrow()));
  }

  /** Length of the text the selection indexes: the traced run's. */
  private int runLength() {
    var t = ws.layers.traceProperty().get();
    return t == null ? 0 : t.scored().length();
  }

  private boolean busy() {
    return app.loadingProperty().get() || ws.generate.runningProperty().get() || ws.layers.runningProperty().get()
        || ws.refinement.runningProperty().get() || ws.interpolation.runningProperty().get()
        || ws.mixture.loadingProperty().get();
  }

  /** Waits until no view runs a job and the worker has run every job queued, and those they queued. */
  private void idle() throws Exception {
    for (int round = 0; round < 3; round++) {
      WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> !busy() && app.runtime() != null);
      AtomicBoolean drained = new AtomicBoolean();
      interact(() -> app.worker().submit(c -> null, x -> drained.set(true), () -> { }, m -> { }));
      WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, drained::get);
      WaitForAsyncUtils.waitForFxEvents();
    }
  }

  private void check() throws Exception {
    if (!uncaught.isEmpty()) {
      throw new AssertionError("uncaught exception on the JavaFX thread: " + uncaught);
    }
    if (!failedJobs.isEmpty()) {
      throw new AssertionError("a background job failed: " + failedJobs.get(0).getThrown());
    }
    String open = app.runtime().name();
    var trace = ws.layers.traceProperty().get();
    expect(trace == null || trace.model().equals(open), "Flow layers show a trace of " + (trace == null ? "" : trace.model())
        + " while " + open + " is open");
    TrajectoryViewModel.Fit fit = ws.trajectory.fitProperty().get();
    expect(fit == null || fit.trace() == trace, "Latent trajectories draw another trace than Flow layers");
    expect(trace != null || ws.mixture.summaryProperty().get().isEmpty(), "Mixture figures without a trace: "
        + ws.mixture.summaryProperty().get());
    expect(ws.generate.resultProperty().get() == null || ws.generate.caption().startsWith(open + ", "),
        "Generate shows a run of another model: " + ws.generate.caption());
    expect(ws.refinement.resultProperty().get() == null || ws.refinement.caption().startsWith(open + ", "),
        "Refinement shows a run of another model: " + ws.refinement.caption());
    expect(ws.interpolation.resultProperty().get() == null || ws.interpolation.caption().startsWith(open + ", "),
        "Interpolation shows a run of another model: " + ws.interpolation.caption());
    var run = ws.generate.resultProperty().get();
    if (run != null && trace != null && ws.layers.textProperty().get().equals(run.text())) {
      // The trace pads the text with spaces to a multiple of P at the end: the run's indices stay.
      expect(trace.scored().startsWith(run.text()) && trace.scored().length() - run.text().length() < trace.patchSize(),
          "Flow layers trace \"" + trace.scored() + "\" for the run \"" + run.text() + "\"");
    }
    int selected = ws.selection.characterProperty().get();
    if (selected >= 0 && trace != null) {
      expect(selected < trace.scored().length(), "selection " + selected + " beyond the run's " + trace.scored().length()
          + " characters");
      expect(ws.trajectory.selectedProperty().get() == selected, "Latent trajectories select another position");
      expect(ws.mixture.positionProperty().get() == selected / trace.patchSize(), "Mixture components show position "
          + ws.mixture.positionProperty().get() + " for character " + selected);
    }
  }

  private static void expect(boolean holds, String what) {
    if (!holds) {
      throw new AssertionError(what);
    }
  }
}
