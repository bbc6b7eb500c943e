package org.tarflowlm.ui;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import javafx.application.Platform;
import javafx.event.Event;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.control.Label;
import javafx.scene.control.Spinner;
import javafx.scene.control.TextField;
import javafx.scene.input.KeyCode;
import javafx.scene.input.MouseButton;
import javafx.scene.input.MouseEvent;
import javafx.stage.Stage;
import org.jfree.chart.entity.XYItemEntity;
import org.jfree.chart.fx.ChartViewer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.tarflowlm.runtime.ForwardTrace;
import org.tarflowlm.runtime.GenerationResult;
import org.tarflowlm.runtime.Run;
import org.tarflowlm.runtime.Template;
import org.testfx.framework.junit5.ApplicationTest;
import org.testfx.util.WaitForAsyncUtils;

/**
 * A seeded random walk over the window (Monocle, headless), drawn from what a user does: generate
 * with a prompt or a template, Stop, switch models (one folder fails to open), trace a typed text,
 * click characters in Generate, Flow layers and Refinement and paths in Latent trajectories, move
 * the selection with the arrow keys, step layers, switch tabs, run Refinement, Compare and
 * Interpolation, Save run and Open run (one of a model that is not installed), resize the window to
 * 800x500, 1000x650 and 1600x1000, type bad values into number fields. After every action, once the
 * background jobs are done, it checks the invariants of one current run:
 * <ul>
 *   <li>no uncaught exception on any thread, and no background job failed with anything but a
 *       message for the user (an IllegalArgumentException, IllegalStateException or IOException);
 *   <li>every view that shows content names the model it shows, and that is the open model or the
 *       model of the run file opened last;
 *   <li>Latent trajectories draw the Flow layers trace; Mixture components show figures only for it;
 *   <li>when Flow layers show the generated run, they trace its characters exactly, and the
 *       selected position is the same character in every view that shows the run, marked once in
 *       Generate and once in every Flow layers row;
 *   <li>a template's fixed characters are the template's in Generate, Refinement and Flow layers;
 *   <li>a stopped generation, or one cut short by a model switch, shows nowhere as the run.
 * </ul>
 * A failure prints the seed and the actions; {@code -Dui.walk.seed} and {@code -Dui.walk.actions}
 * replay or lengthen it. The suite runs 300 actions of seed 22.
 */
class UiWalkTest extends ApplicationTest {
  private static final List<String> MODELS = List.of("mixd-p1", "mixd-p2", "mixd-p4");
  /** A folder with a config and a weights file cut short: it fails to open. */
  private static final String BROKEN = "broken-p1";
  /** The model a replayed run file names, which is not installed. */
  private static final String RETIRED = "retired-p1";
  private static final List<String> PROMPTS = List.of("", "the", "hello world", "Once upon a time,", "  a  b  ");
  private static final List<String> TEMPLATES = List.of("the ____ of the union is strong", "a_c", "__ x __");
  private static final List<String> TABS = List.of("tab-generate", "tab-flow-layers", "tab-latent-trajectories",
      "tab-mixture-components", "tab-multi-pass-refinement", "tab-compare-patch-sizes", "tab-interpolation",
      "tab-model-card");
  private static Path models;
  private static Path runs;
  private final List<Throwable> uncaught = new CopyOnWriteArrayList<>();
  private final List<LogRecord> failedJobs = new CopyOnWriteArrayList<>();
  /** The template each generation shown was written from, by identity of its result. */
  private final Map<GenerationResult, Template> templates = new IdentityHashMap<>();
  private Stage stage;
  private AppViewModel app;
  private Workspace ws;
  private MainView view;
  /** The model named by the run file opened last (a view may show that replay), or null. */
  private String replayed;

  @Override
  public void start(Stage stage) throws Exception {
    this.stage = stage;
    models = Files.createTempDirectory("tarflowlm-walk");
    runs = Files.createTempDirectory("tarflowlm-walk-runs");
    for (String m : MODELS) {
      TinyModels.flow(models, m, Integer.parseInt(m.substring(m.length() - 1)));
    }
    TinyModels.corrupt(models, BROKEN);
    Thread.setDefaultUncaughtExceptionHandler((t, e) -> uncaught.add(e));
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
    Thread.setDefaultUncaughtExceptionHandler(null);
    interact(() -> {
      stage.setWidth(1200);
      stage.setHeight(760);
      stage.centerOnScreen();
    });
  }

  @AfterAll
  static void cleanUp() throws Exception {
    for (Path dir : new Path[] {models, runs}) {
      if (dir != null) {
        try (var files = Files.walk(dir)) {
          files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
      }
    }
  }

  @Test
  void aRandomWalkKeepsOneTruthAcrossTheViews() throws Exception {
    long seed = Long.getLong("ui.walk.seed", 22);
    int actions = Integer.getInteger("ui.walk.actions", 300);
    Random random = new Random(seed);
    List<String> done = new ArrayList<>();
    idle();
    fx(() -> ws.compare.lengthProperty().set(6));
    Map<String, long[]> time = new java.util.TreeMap<>();
    for (int i = 0; i < actions; i++) {
      try {
        long start = System.nanoTime();
        String what = act(random);
        done.add(what);
        idle();
        check();
        // The action's kind: its words without the characters, texts and numbers drawn.
        String kind = what.replaceAll("'.+?'|\"[^\"]*\"|[-0-9.]+(x[0-9]+)?|#\\S+|tab-\\S+|\\(.*", "").replaceAll(" +", " ");
        long[] t = time.computeIfAbsent(kind.trim(), k -> new long[2]);
        t[0]++;
        t[1] += System.nanoTime() - start;
      } catch (Throwable e) {
        fail("ui walk failed after " + (done.size() + 1) + " actions, seed " + seed + ": " + e.getMessage()
            + "\nactions:\n  " + String.join("\n  ", done), e);
      }
    }
    System.out.println("ui walk: " + actions + " actions, seed " + seed);
    time.forEach((k, t) -> System.out.printf("  %-36s %4d x %5.0f ms%n", k, t[0], t[1] / 1e6 / t[0]));
  }

  /** What a user does, by how often the walk does it (out of 100). */
  private enum Action {
    GENERATE(12), TEMPLATE(6), STOP(4), STOP_TRACE(2), GENERATE_THEN_SWITCH(3), SWITCH(6), SWITCH_TO_BROKEN(2), TRACE(6),
    CLICK_GENERATE_CHARACTER(6), CLICK_LAYER_CHARACTER(5), CLICK_REFINEMENT_CHARACTER(3), CLICK_PATH(4), ARROWS(6),
    STEP_LAYER(4), TAB(6), REFINE(5), COMPARE(3), INTERPOLATE(3), SAVE_AND_OPEN(3), OPEN_RETIRED(3), RESIZE(4),
    BAD_NUMBER(6);

    final int weight;

    Action(int weight) {
      this.weight = weight;
    }

    static Action draw(Random random) {
      int total = 0;
      for (Action a : values()) {
        total += a.weight;
      }
      int r = random.nextInt(total);
      for (Action a : values()) {
        r -= a.weight;
        if (r < 0) {
          return a;
        }
      }
      throw new AssertionError();
    }
  }

  private String act(Random random) throws Exception {
    Action action = Action.draw(random);
    switch (action) {
      case GENERATE -> {
        String prompt = PROMPTS.get(random.nextInt(PROMPTS.size()));
        int length = 4 + random.nextInt(21);
        long s = 1 + random.nextInt(5);
        fx(() -> {
          ws.generate.promptProperty().set(prompt);
          ws.generate.lengthProperty().set(length);
          ws.generate.seedProperty().set(s);
        });
        tab("tab-generate");
        clickOn("#generate");
        return "generate \"" + prompt + "\" length " + length + " seed " + s;
      }
      case TEMPLATE -> {
        String template = TEMPLATES.get(random.nextInt(TEMPLATES.size()));
        fx(() -> ws.generate.promptProperty().set(template));
        tab("tab-generate");
        clickOn("#generate");
        templates.put(null, Template.parse(template));
        return "generate template \"" + template + "\"";
      }
      case STOP -> {
        Run before = ws.current.get();
        tab("tab-generate");
        fx(() -> {
          ws.generate.promptProperty().set("");
          ws.generate.lengthProperty().set(150);
        });
        clickOn("#generate");
        boolean running = ws.generate.runningProperty().get();
        if (running) {
          clickOn("#stop");
        }
        idle();
        if (ws.generate.summaryProperty().get().equals(GenerateViewModel.STOPPED)) {
          expect(ws.current.get() == before, "a stopped generation became the run");
        }
        return "generate 150 and click Stop" + (running ? "" : " (it had finished)");
      }
      case STOP_TRACE -> {
        Run before = ws.current.get();
        tab("tab-flow-layers");
        fx(() -> ws.layers.textProperty().set("the quick brown fox jumps over the lazy dog ".repeat(3)));
        press("#trace");
        press("#trace-stop");
        idle();
        if (ws.layers.errorProperty().get().startsWith("stopped")) {
          expect(ws.current.get() == before, "a stopped trace became the run");
        }
        return "trace a long text and click Stop";
      }
      case GENERATE_THEN_SWITCH -> {
        List<String> others = new ArrayList<>(MODELS);
        others.remove(app.runtime().name());
        String m = others.get(random.nextInt(others.size()));
        Run before = ws.current.get();
        fx(() -> {
          ws.generate.promptProperty().set("");
          ws.generate.lengthProperty().set(150);
          ws.generate.generate();
          app.request(models.resolve(m));
        });
        idle();
        Run after = ws.current.get();
        if (!ws.current.replayOfProperty().get().isEmpty()) {
          expect(after == before, "a replay was replaced by a generation cut short by a switch to " + m);
          return "generate 150 and switch to " + m + " at once (a replay stays)";
        }
        expect(ws.generate.resultProperty().get() == null, "Generate shows a run cut short by the switch to " + m);
        expect(after == null || after.generation() == null && (before == null || read(after).equals(read(before))),
            "the run after a generation cut short by a switch to " + m + " is \"" + (after == null ? "" : after.text())
            + "\", not the text before it traced again");
        return "generate 150 and switch to " + m + " at once";
      }
      case SWITCH -> {
        String m = MODELS.get(random.nextInt(MODELS.size()));
        fx(() -> app.request(models.resolve(m)));
        return "switch to " + m;
      }
      case SWITCH_TO_BROKEN -> {
        String open = app.runtime().name();
        fx(() -> app.request(models.resolve(BROKEN)));
        idle();
        expect(app.runtime().name().equals(open), "a folder that failed to open replaced " + open);
        expect(app.statusProperty().get().contains("could not open " + BROKEN), "no word of the failure: "
            + app.statusProperty().get());
        return "switch to " + BROKEN + " (fails to open)";
      }
      case TRACE -> {
        String text = PROMPTS.get(1 + random.nextInt(PROMPTS.size() - 1));
        tab("tab-flow-layers");
        fx(() -> ws.layers.textProperty().set(text));
        press("#trace");
        return "trace \"" + text + "\"";
      }
      case CLICK_GENERATE_CHARACTER -> {
        return clickCell("tab-generate", "#scored", random);
      }
      case CLICK_LAYER_CHARACTER -> {
        return clickCell("tab-flow-layers", ".layer-row", random);
      }
      case CLICK_REFINEMENT_CHARACTER -> {
        return clickCell("tab-multi-pass-refinement", ".pass-line", random);
      }
      case CLICK_PATH -> {
        return clickPath(random);
      }
      case ARROWS -> {
        String t = random.nextBoolean() ? "tab-generate" : "tab-flow-layers";
        tab(t);
        Node surface = currentView().lookup("." + MainView.SELECTION_SURFACE);
        fx(surface::requestFocus);
        KeyCode key = random.nextBoolean() ? KeyCode.RIGHT : KeyCode.LEFT;
        int times = 1 + random.nextInt(3);
        for (int i = 0; i < times; i++) {
          type(key);
        }
        return "press " + key + " " + times + " times in " + t;
      }
      case STEP_LAYER -> {
        boolean forward = random.nextBoolean();
        tab("tab-flow-layers");
        press(forward ? "#step-forward" : "#step-back");
        return forward ? "step a layer forward" : "step a layer back";
      }
      case TAB -> {
        String tab = TABS.get(random.nextInt(TABS.size()));
        tab(tab);
        return "open " + tab;
      }
      case REFINE -> {
        tab("tab-multi-pass-refinement");
        fx(() -> {
          if (ws.refinement.lengthProperty().get() > 24) {
            ws.refinement.lengthProperty().set(24);
          }
        });
        String prompt = ws.refinement.promptProperty().get();
        String decoding = random.nextInt(3) == 0 ? "Jacobi" : "Sequential";
        fx(() -> lookup("#refine-decoding").<javafx.scene.control.ChoiceBox<String>>query().setValue(decoding));
        press("#refine-run");
        if (prompt.indexOf(Template.BLANK) >= 0) {
          templates.put(null, Template.parse(prompt));
        }
        return "refine \"" + ws.refinement.promptProperty().get() + "\" " + decoding;
      }
      case COMPARE -> {
        tab("tab-compare-patch-sizes");
        fx(() -> {
          if (ws.compare.chosen().isEmpty()) {
            ws.compare.chooseDefaults();
          }
        });
        press("#compare-run");
        return "compare";
      }
      case INTERPOLATE -> {
        tab("tab-interpolation");
        fx(() -> ws.interpolation.stepsProperty().set(2));
        press("#interp-run");
        return "interpolate";
      }
      case SAVE_AND_OPEN -> {
        Path file = runs.resolve("run.json");
        if (ws.current.get() == null) {
          return "save run (nothing to save)";
        }
        fx(() -> view.saveTo(file, ws::save));
        fx(() -> view.openRun(file));
        replayed = org.tarflowlm.runtime.RunFiles.load(file).model(); // a replay saved again keeps its model
        return "save run and open it again";
      }
      case OPEN_RETIRED -> {
        Path file = runs.resolve("retired.json");
        if (ws.current.get() == null) {
          return "open a run of " + RETIRED + " (nothing to save first)";
        }
        String model = app.runtime().name();
        fx(() -> view.saveTo(file, ws::save));
        // The same run as written by an install where the model is called otherwise and is missing here.
        String json = Files.readString(file, StandardCharsets.UTF_8).replace("\"" + model + "\"", "\"" + RETIRED + "\"");
        Files.writeString(file, json, StandardCharsets.UTF_8);
        fx(() -> view.openRun(file));
        replayed = RETIRED;
        return "open a run of " + RETIRED + ", which is not installed";
      }
      case RESIZE -> {
        int[][] sizes = {{800, 500}, {1000, 650}, {1600, 1000}};
        int[] size = sizes[random.nextInt(sizes.length)];
        fx(() -> {
          stage.setX(0);
          stage.setY(0);
          stage.setWidth(size[0]);
          stage.setHeight(size[1]);
        });
        return "resize to " + size[0] + "x" + size[1];
      }
      case BAD_NUMBER -> {
        return badNumber(random);
      }
      default -> throw new AssertionError(action);
    }
  }

  /** Types a bad value into a number field: the field says what is wrong and its view cannot run; a good value ends it. */
  private String badNumber(Random random) {
    String[][] cases = {
        {"tab-generate", "#temperature", "0", "1", "#generate"},
        {"tab-generate", "#length", "abc", "16", "#generate"},
        {"tab-generate", "#seed", "x1", "3", "#generate"},
        {"tab-multi-pass-refinement", "#refine-temperature", "-2", "1", "#refine-run"},
        {"tab-multi-pass-refinement", "#refine-length", "0", "12", "#refine-run"}};
    String[] c = cases[random.nextInt(cases.length)];
    tab(c[0]);
    Node field = lookup(c[1]).query();
    TextField editor = field instanceof Spinner<?> s ? s.getEditor() : (TextField) field;
    fx(() -> editor.setText(c[2]));
    expect(lookup(c[4]).queryButton().isDisabled(), c[4] + " is enabled with " + c[1] + " " + c[2]);
    expect(currentView().lookupAll(".error").stream().anyMatch(n -> n instanceof Label l && l.isVisible()
        && !l.getText().isEmpty()), "no words beside " + c[1] + " " + c[2]);
    fx(() -> editor.setText(c[3]));
    return "type " + c[1] + " " + c[2] + ", then " + c[3];
  }

  /** Presses a button as a click would (in a small window it may lie outside the screen a robot clicks on). */
  private void press(String id) {
    var button = lookup(id).queryButton();
    fx(() -> {
      if (!button.isDisabled()) {
        button.fire();
      }
    });
  }

  /** Clicks a character cell of a view (a row of it, when it has several), as the mouse would. */
  private String clickCell(String tab, String rowSelector, Random random) {
    tab(tab);
    List<Node> rows = new ArrayList<>(currentView().lookupAll(rowSelector));
    if (rows.isEmpty()) {
      return "click a character in " + tab + " (none shown)";
    }
    Node row = rows.get(random.nextInt(rows.size()));
    List<Node> cells = row.lookupAll(".cell").stream().collect(java.util.stream.Collectors.toCollection(ArrayList::new));
    row.lookupAll(".cell-prompt").forEach(cells::add);
    row.lookupAll(".changed").forEach(cells::add);
    row.lookupAll(".cell-plain").forEach(cells::add);
    cells.removeIf(n -> !(n instanceof Label) || n.getOnMouseClicked() == null);
    if (cells.isEmpty()) {
      return "click a character in " + tab + " (none shown)";
    }
    Node cell = cells.get(random.nextInt(cells.size()));
    fx(() -> {
      fire(cell, MouseEvent.MOUSE_PRESSED);
      fire(cell, MouseEvent.MOUSE_RELEASED);
      fire(cell, MouseEvent.MOUSE_CLICKED);
    });
    return "click '" + ((Label) cell).getText() + "' in " + tab;
  }

  /** Clicks a point of a position's path in Latent trajectories. */
  private String clickPath(Random random) {
    tab("tab-latent-trajectories");
    WaitForAsyncUtils.waitForFxEvents(); // a layout pulse draws the chart
    ChartViewer viewer = find(currentView(), ChartViewer.class);
    ForwardTrace trace = ws.current.traceProperty().get();
    if (viewer == null || trace == null || viewer.getCanvas().getRenderingInfo() == null) {
      return "click a path (none drawn" + (viewer == null ? ", no chart" : trace == null ? "" : ", no rendering") + ")";
    }
    List<XYItemEntity> points = new ArrayList<>();
    for (Object e : viewer.getCanvas().getRenderingInfo().getEntityCollection().getEntities()) {
      if (e instanceof XYItemEntity item && item.getSeriesIndex() < trace.scored().length()) {
        points.add(item);
      }
    }
    if (points.isEmpty()) {
      return "click a path (none drawn)";
    }
    XYItemEntity p = points.get(random.nextInt(points.size()));
    var b = p.getArea().getBounds2D();
    fx(() -> fire(viewer.getCanvas(), MouseEvent.MOUSE_CLICKED, b.getCenterX(), b.getCenterY()));
    return "click the path of position " + p.getSeriesIndex();
  }

  /** The first node of a type under a node, depth first. */
  private static <T> T find(Node n, Class<T> type) {
    if (type.isInstance(n)) {
      return type.cast(n);
    }
    if (n instanceof javafx.scene.Parent p) {
      for (Node c : p.getChildrenUnmodifiable()) {
        T found = find(c, type);
        if (found != null) {
          return found;
        }
      }
    }
    return null;
  }

  private static void fire(Node n, javafx.event.EventType<MouseEvent> type) {
    var b = n.getLayoutBounds();
    fire(n, type, b.getCenterX(), b.getCenterY());
  }

  private static void fire(Node n, javafx.event.EventType<MouseEvent> type, double x, double y) {
    var screen = n.localToScreen(x, y);
    double sx = screen == null ? x : screen.getX();
    double sy = screen == null ? y : screen.getY();
    Event.fireEvent(n, new MouseEvent(type, x, y, sx, sy, MouseButton.PRIMARY, 1, false, false, false, false, true,
        false, false, true, false, true, null));
  }

  /** Opens a tab as its header would; in a narrow window the header may be scrolled out of sight. */
  private void tab(String id) {
    fx(() -> view.tabs().getSelectionModel().select(
        view.tabs().getTabs().stream().filter(t -> id.equals(t.getId())).findFirst().orElseThrow()));
  }

  private Node currentView() {
    return view.tabs().getSelectionModel().getSelectedItem().getContent();
  }

  private Node viewOf(String tab) {
    return view.tabs().getTabs().stream().filter(t -> tab.equals(t.getId())).findFirst().orElseThrow().getContent();
  }

  private boolean busy() {
    return app.loadingProperty().get() || ws.generate.runningProperty().get() || ws.layers.runningProperty().get()
        || ws.refinement.runningProperty().get() || ws.interpolation.runningProperty().get()
        || ws.compare.runningProperty().get() || ws.mixture.loadingProperty().get();
  }

  /** Waits until no view runs a job and the worker has run every job queued, and those they queued. */
  private void idle() throws Exception {
    for (int round = 0; round < 2; round++) {
      WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> !busy() && app.runtime() != null);
      AtomicBoolean drained = new AtomicBoolean();
      fx(() -> app.worker().submit(c -> null, x -> drained.set(true), () -> { }, m -> { }));
      WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, drained::get);
      fx(() -> { });
    }
    // A template generation the walk started has become Generate's or Refinement's run by now.
    Template pending = templates.remove(null);
    if (pending != null) {
      Run run = ws.current.get();
      GenerationResult r = run == null || run.generation() == null ? null : run.generation().result();
      if (r != null && r.request().prompt().equals(pending.typed()) && !templates.containsKey(r)) {
        templates.put(r, pending);
      }
    }
  }

  private void check() throws Exception {
    if (!uncaught.isEmpty()) {
      throw new AssertionError("uncaught exception: " + uncaught);
    }
    if (!failedJobs.isEmpty()) {
      throw new AssertionError("a background job failed: " + failedJobs.get(0).getThrown());
    }
    String open = app.runtime().name();
    Run run = ws.current.get();
    boolean replay = !ws.current.replayOfProperty().get().isEmpty();
    expect(run == null || run.model().equals(open) || replay && run.model().equals(replayed), "the run is of "
        + (run == null ? "" : run.model()) + " while " + open + " is open" + (replay ? " and no run file of it was opened" : ""));
    ForwardTrace trace = run == null ? null : run.trace();
    // Every view draws the one run: the same objects, not copies that could drift apart.
    expect(ws.layers.traceProperty().get() == trace, "Flow layers draw another trace than the run's");
    expect(ws.layers.roundTripProperty().get() == (run == null ? null : run.roundTrip()),
        "Flow layers show another round trip than the run's");
    TrajectoryViewModel.Fit fit = ws.trajectory.fitProperty().get();
    expect(fit == null || fit.trace() == trace, "Latent trajectories draw another trace than the run's");
    expect(trace != null || ws.mixture.summaryProperty().get().isEmpty(), "Mixture figures without a trace: "
        + ws.mixture.summaryProperty().get());
    expect(ws.mixture.traceProperty().get() == trace, "Mixture components show another trace than the run's");
    expect(trace == null || ws.mixture.captionProperty().get().startsWith(trace.model() + " on "),
        "Mixture components name another model: " + ws.mixture.captionProperty().get());
    GenerationResult generated = run == null || run.generation() == null ? null : run.generation().result();
    if (!ws.generate.runningProperty().get()) {
      expect(ws.generate.resultProperty().get() == generated, "Generate shows another generation than the run's");
      expect(generated == null ? ws.generate.cells().isEmpty() : cellsText().equals(run.text()),
          "Generate shades \"" + cellsText() + "\" for the run \"" + (run == null ? "" : run.text()) + "\"");
    }
    if (!ws.refinement.runningProperty().get()) {
      expect(ws.refinement.resultProperty().get() == generated, "Refinement shows another generation than the run's");
      expect(generated == null ? ws.refinement.passes().isEmpty() : ws.refinement.passes().equals(generated.passes()),
          "Refinement shows other passes than the run's");
    }
    for (String[] shown : new String[][] {{"Generate", ws.generate.caption()}, {"Refinement", ws.refinement.caption()},
        {"Interpolation", ws.interpolation.caption()}}) {
      expect(shown[1].isEmpty() || named(shown[1].split(",")[0]), shown[0] + " shows a run of another model: " + shown[1]);
    }
    if (trace != null) {
      expect(trace.scored().equals(run.text()), "the run's trace reads \"" + trace.scored() + "\" for its text \""
          + run.text() + "\"");
    }
    checkTemplates(run);
    // A Jacobi pass ends as its last sweep reads, with every character settled.
    List<RefinementRows.Row> rows = List.copyOf(ws.refinement.rows());
    for (int i = 0; i + 1 < rows.size(); i++) {
      RefinementRows.Row a = rows.get(i);
      RefinementRows.Row b = rows.get(i + 1);
      if (a.sweep() > 0 && b.sweep() == 0 && !b.folded()) {
        expect(a.text().equals(b.text()) && a.unsettled() == 0, "a Jacobi pass ends on \"" + b.text()
            + "\" after a last sweep that reads \"" + a.text() + "\" with " + a.unsettled() + " unsettled");
      }
    }
    checkSelection(run);
  }

  /** A run's text as its model read it, without the padding to a whole patch. */
  private static String read(Run r) {
    return r.trace() == null ? r.text() : r.trace().text().normalized();
  }

  private String cellsText() {
    StringBuilder sb = new StringBuilder();
    ws.generate.cells().forEach(c -> sb.append(c.ch()));
    return sb.toString();
  }

  /** A template's fixed characters are the template's in the run and wherever it is shown. */
  private void checkTemplates(Run run) {
    Template t = run == null || run.generation() == null ? null : templates.get(run.generation().result());
    if (t == null) {
      return;
    }
    Map<String, String> shown = new java.util.LinkedHashMap<>();
    shown.put("the run", run.text());
    if (!ws.generate.runningProperty().get()) {
      shown.put("Generate's text", ws.generate.streamedProperty().get());
    }
    if (!ws.refinement.runningProperty().get() && !ws.refinement.passes().isEmpty()) {
      shown.put("Refinement's last pass", ws.refinement.passes().get(ws.refinement.passes().size() - 1).text());
    }
    shown.forEach((where, s) -> {
      for (int i = 0; i < t.length(); i++) {
        expect(!t.fixed()[i] || (i < s.length() && s.charAt(i) == t.text().charAt(i)),
            "template \"" + t.typed() + "\" shown as \"" + s + "\" in " + where + " (" + ws.generate.caption() + ")");
      }
    });
    for (int i = 0; i < t.length(); i++) {
      expect(run.fixed(i) == t.fixed()[i], "the run marks character " + i + " of template \"" + t.typed() + "\" as "
          + (run.fixed(i) ? "fixed" : "written"));
    }
  }

  private void checkSelection(Run run) {
    int selected = ws.selection.characterProperty().get();
    if (selected < 0 || run == null) {
      return;
    }
    expect(selected < run.text().length(), "selection " + selected + " beyond the run's " + run.text().length()
        + " characters");
    expect(ws.trajectory.selectedProperty().get() == selected, "Latent trajectories select another position");
    ForwardTrace trace = run.trace();
    if (trace != null) {
      expect(ws.mixture.positionProperty().get() == selected / trace.patchSize(), "Mixture components show position "
          + ws.mixture.positionProperty().get() + " for character " + selected);
      // Every Flow layers row marks the selected position, and no other.
      for (Node row : viewOf("tab-flow-layers").lookupAll(".layer-row")) {
        List<Node> cells = new ArrayList<>(row.lookupAll(".cell"));
        List<Node> marked = cells.stream().filter(n -> n.getStyleClass().contains("selected")).toList();
        expect(marked.size() == 1 && cells.indexOf(marked.get(0)) == selected, "a Flow layers row marks "
            + marked.stream().map(cells::indexOf).toList() + " for the selection " + selected);
      }
    }
    if (run.generation() != null && !ws.generate.runningProperty().get()) {
      List<Node> marked = viewOf("tab-generate").lookupAll(".selected").stream().filter(Label.class::isInstance).toList();
      char expected = run.text().charAt(selected);
      expect(marked.size() == 1 && ((Label) marked.get(0)).getText().replace('\u00a0', ' ').equals(String.valueOf(expected)),
          "Generate marks " + marked.size() + " characters for the selected '" + expected + "'");
    }
  }

  /** Whether a view may name this model: the open one, or the one of the run file opened last. */
  private boolean named(String model) {
    return model.equals(app.runtime().name()) || model.equals(replayed);
  }

  /**
   * Runs on the JavaFX thread and waits for it: one round trip, where TestFX's interact waits for
   * several (the walk does thousands).
   */
  private static void fx(Runnable r) {
    java.util.concurrent.CompletableFuture<Void> done = new java.util.concurrent.CompletableFuture<>();
    Platform.runLater(() -> {
      try {
        r.run();
        done.complete(null);
      } catch (Throwable e) {
        done.completeExceptionally(e);
      }
    });
    try {
      done.get(60, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      if (e.getCause() instanceof Error err) {
        throw err;
      }
      throw e.getCause() instanceof RuntimeException re ? re : new RuntimeException(e.getCause());
    } catch (Exception e) {
      throw new AssertionError("the JavaFX thread did not answer", e);
    }
  }

  private static void expect(boolean holds, String what) {
    if (!holds) {
      throw new AssertionError(what);
    }
  }
}
