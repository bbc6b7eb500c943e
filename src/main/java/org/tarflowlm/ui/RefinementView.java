package org.tarflowlm.ui;

import javafx.animation.KeyFrame;
import javafx.animation.Timeline;
import javafx.collections.ListChangeListener;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.Slider;
import javafx.scene.control.TextField;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import javafx.util.Duration;
import org.jfree.chart.fx.ChartViewer;
import org.jfree.data.category.DefaultCategoryDataset;
import org.tarflowlm.runtime.PassResult;

/**
 * Multi-pass refinement: the starting noise, then the text after each pass, one line under the
 * other, the characters that changed since the row above highlighted and the prompt's fixed
 * positions marked; a timeline to scrub, a play button, and a chart of the characters changed per
 * pass beside those still differing from the final text.
 */
final class RefinementView extends BorderPane implements Exportable, RunsFromKeyboard {
  private final Button runButton;
  private final RefinementViewModel vm;
  private final VBox lines = new VBox(4);
  private final Slider timeline = new Slider(0, 0, 0);
  private final DefaultCategoryDataset changes = new DefaultCategoryDataset();
  private final Timeline player = new Timeline(new KeyFrame(Duration.millis(40), e -> step()));

  private final PositionCells cells;
  private ChartViewer chart;
  private static final String SEQUENTIAL = "Sequential";
  private static final String JACOBI = "Jacobi";

  RefinementView(RefinementViewModel vm, Selection selection, javafx.beans.value.ObservableBooleanValue current) {
    this.vm = vm;
    this.cells = new PositionCells(selection, false, current);
    getStyleClass().add("refinement-view");
    TextField prompt = new TextField();
    prompt.setId("refine-prompt");
    prompt.setPromptText("a prompt (optional)");
    prompt.textProperty().bindBidirectional(vm.promptProperty());
    HBox.setHgrow(prompt, Priority.ALWAYS);
    SamplingFields sampling = new SamplingFields("refine-", vm.lengthProperty(), vm.temperatureProperty(), vm.seedProperty());
    Button run = new Button("Generate");
    this.runButton = run;
    run.setId("refine-run");
    run.disableProperty().bind(vm.runningProperty().or(sampling.invalid()));
    run.setOnAction(e -> vm.run());
    Button stop = new Button("Stop");
    stop.disableProperty().bind(vm.runningProperty().not());
    stop.setOnAction(e -> vm.stop());
    RunButtons.keepFocus(run, stop, vm.runningProperty());
    Button play = new Button("\u25b6 Play");
    play.setId("refine-play");
    player.setCycleCount(Timeline.INDEFINITE);
    play.setOnAction(e -> {
      if (player.getStatus() == javafx.animation.Animation.Status.RUNNING) {
        player.stop();
      } else {
        vm.rewindIfAtEnd();
        player.play();
      }
    });
    player.statusProperty().addListener((o, a, now) -> play.setText(
        now == javafx.animation.Animation.Status.RUNNING ? "\u275a\u275a Pause" : "\u25b6 Play"));
    timeline.setId("refine-timeline");
    timeline.setMajorTickUnit(1);
    timeline.setMinorTickCount(0);
    timeline.setSnapToTicks(true);
    timeline.setShowTickMarks(true);
    timeline.setPrefWidth(260);
    timeline.valueProperty().addListener((o, a, b) -> vm.shownProperty().set((int) Math.round(b.doubleValue())));
    vm.shownProperty().addListener((o, a, b) -> {
      timeline.setValue(b.intValue());
      highlight();
    });
    Slider within = new Slider(-1, 0, -1);
    within.setId("refine-step");
    within.setPrefWidth(220);
    within.setMajorTickUnit(1);
    within.setMinorTickCount(0);
    within.setSnapToTicks(true);
    within.valueProperty().addListener((o, a, b) -> vm.stepProperty().set((int) Math.round(b.doubleValue())));
    vm.shownProperty().addListener((o, a, b) -> {
      within.setMax(Math.max(0, vm.steps(b.intValue()) - 1));
      within.setValue(-1);
    });
    vm.stepProperty().addListener((o, a, b) -> {
      within.setValue(b.intValue());
      redraw();
    });
    prompt.setPrefColumnCount(30);
    javafx.scene.control.ChoiceBox<String> decoding = new javafx.scene.control.ChoiceBox<>(
        javafx.collections.FXCollections.observableArrayList(SEQUENTIAL, JACOBI));
    decoding.setId("refine-decoding");
    decoding.setValue(vm.jacobiProperty().get() ? JACOBI : SEQUENTIAL);
    decoding.valueProperty().addListener((o, a, b) -> vm.jacobiProperty().set(JACOBI.equals(b)));
    vm.jacobiProperty().addListener((o, a, on) -> decoding.setValue(on ? JACOBI : SEQUENTIAL));
    decoding.setTooltip(new javafx.scene.control.Tooltip("Sequential writes a pass position by position; Jacobi "
        + "solves every position at once and repeats (a row per sweep) until nothing moves: the same text"));
    javafx.scene.control.ChoiceBox<Double> tolerance = ToleranceChoice.of("refine-tolerance", vm.toleranceProperty(),
        vm.jacobiProperty());
    javafx.scene.layout.FlowPane settings = new javafx.scene.layout.FlowPane(8, 6, new Label("Prompt"), prompt);
    settings.getChildren().addAll(sampling.nodes());
    settings.getChildren().addAll(new Label("Decoding"), decoding, new Label("Tolerance"), tolerance, run, stop);
    settings.setAlignment(Pos.CENTER_LEFT);
    javafx.scene.layout.FlowPane player = new javafx.scene.layout.FlowPane(8, 6, play, new Label("Pass"), timeline,
        new Label("Position in pass"), within);
    player.setAlignment(Pos.CENTER_LEFT);
    Label why = new Label("The settings are Generate's. In these models the first layer (inverted last) decides the "
        + "text, so the rows before the last pass still read as noise: the model card's 'final characters in place' "
        + "column says how much.");
    why.getStyleClass().add("note");
    why.setWrapText(true);
    Label error = new Label();
    error.getStyleClass().add("error");
    error.textProperty().bind(vm.errorProperty());
    Label note = new Label();
    note.setId("refinement-note");
    note.getStyleClass().add("note");
    note.setWrapText(true);
    note.textProperty().bind(vm.noteProperty());
    note.visibleProperty().bind(vm.noteProperty().isNotEmpty());
    note.managedProperty().bind(note.visibleProperty());
    VBox top = new VBox(6, settings, player, why, error, note);
    top.setPadding(new Insets(10));
    setTop(top);
    lines.setPadding(new Insets(10));
    MainView.selectionSurface(lines);
    ScrollPane scroll = new ScrollPane(lines);
    scroll.setFitToWidth(true);
    setCenter(scroll);
    chart = Charts.bars("Characters per pass", "pass (u: the starting noise)", "characters", changes, false, true);
    ChartViewer viewer = chart;
    viewer.setPrefSize(320, 260);
    setRight(viewer);
    vm.rows().addListener((ListChangeListener<RefinementRows.Row>) c -> redraw());
    redraw();
  }

  @Override
  public Button runButton() {
    return runButton;
  }

  @Override
  public String caption() {
    return vm.caption();
  }

  @Override
  public String exportName() {
    return "refinement";
  }

  @Override
  public String csv() {
    StringBuilder sb = new StringBuilder("pass,iteration,layer,changed,text\n");
    int i = 0;
    for (PassResult p : vm.passes()) {
      sb.append(i++).append(',').append(p.iteration()).append(',').append(p.layer()).append(',').append(p.changed())
          .append(",\"").append(p.text()).append("\"\n");
    }
    return vm.passes().isEmpty() ? "" : sb.toString();
  }

  private void step() {
    if (!vm.playFrame()) {
      player.stop();
    }
  }

  private void redraw() {
    lines.getChildren().clear();
    if (vm.rows().isEmpty()) {
      Label empty = new Label("Press Generate (Ctrl+Enter) to watch a text written pass by pass, from the noise to "
          + "the text; choose Jacobi to see each pass settle in sweeps over the whole text.");
      empty.getStyleClass().add("note");
      empty.setWrapText(true);
      empty.setUserData(-1);
      lines.getChildren().add(empty);
    }
    changes.clear();
    cells.clear();
    int shownPass = vm.shownProperty().get();
    int k = vm.stepProperty().get();
    // With sweeps, the chart counts per sweep what is not settled yet (the passes would repeat their last sweep).
    boolean jacobiRows = vm.rows().stream().anyMatch(r -> r.sweep() > 0);
    chart.getChart().getCategoryPlot().getDomainAxis().setLabel(jacobiRows
        ? "Jacobi sweep, layer by layer" : "pass (u: the starting noise)");
    for (RefinementRows.Row row : vm.rows()) {
      int i = row.pass();
      boolean stepping = i >= 0 && i == shownPass && k >= 0 && !row.folded();
      String text = stepping ? vm.textDuring(i, k) : row.text();
      int writing = stepping ? vm.positionAt(i, k) : -1;
      Label head = new Label(writing >= 0
          ? String.format("%s, writing position %d (step %d of %d)", row.head(), writing, k + 1, vm.steps(i))
          : row.folded() ? row.head()
          : row.sweep() > 0 ? String.format("%s   (%d changed, %d of %d not settled yet)", row.head(), row.changed(),
              row.unsettled(), text.length())
          : i < 0 ? String.format("%s   (%d differ from the final text)", row.head(), row.toFinal())
          : String.format("%s   (%d changed, %d still differ from the final text)", row.head(), row.changed(),
              row.toFinal()));
      head.getStyleClass().add(row.folded() ? "pass-folded" : "pass-head");
      FlowPane chars = new FlowPane();
      java.util.List<Label> cellRow = cells.row();
      int width = vm.passes().isEmpty() ? 1 : Math.max(1, vm.passes().get(0).text().length() / Math.max(1, vm.steps(i)));
      for (int j = 0; j < text.length(); j++) {
        char c = text.charAt(j);
        Label l = new Label(c == ' ' ? "\u00a0" : String.valueOf(c));
        String previous = row.previous();
        boolean changed = previous != null && (j >= previous.length() || previous.charAt(j) != c);
        l.getStyleClass().add(changed ? "changed" : "cell-plain");
        if (vm.isFixed(j)) {
          l.getStyleClass().add("fixed");
          l.setTooltip(new javafx.scene.control.Tooltip(String.format(
              "position %d is fixed: the prompt's '%s', kept in every pass; this row decodes the layer's latent there",
              j, vm.fixedChar(j) == ' ' ? "space" : String.valueOf(vm.fixedChar(j)))));
        }
        if (row.settled() != null && j < row.settled().length && row.settled()[j]) {
          l.getStyleClass().add("settled");
        }
        if (writing >= 0 && j >= writing && j < writing + width) {
          l.getStyleClass().add("writing");
        }
        chars.getChildren().add(l);
        cells.add(cellRow, l);
      }
      VBox line = row.folded() ? new VBox(2, head) : new VBox(2, head, chars);
      line.getStyleClass().add("pass-line");
      line.setUserData(i);
      lines.getChildren().add(line);
      if (row.sweep() > 0) {
        changes.addValue(row.changed(), "changed since the row above", row.column());
        changes.addValue(row.unsettled(), "not settled yet", row.column());
      } else if (!row.folded() && !jacobiRows) {
        changes.addValue(row.changed(), "changed since the row above", row.column());
        changes.addValue(row.toFinal(), "still differ from the final text", row.column());
      }
    }
    timeline.setMax(Math.max(0, vm.passes().size() - 1));
    highlight();
    cells.mark();
  }

  private void highlight() {
    int cur = vm.shownProperty().get();
    lines.getChildren().forEach(n -> {
      n.getStyleClass().remove("current");
      int idx = (Integer) n.getUserData();
      n.setOpacity(idx <= cur ? 1 : 0.25); // the noise row (-1) is always in full
      if (idx == cur) {
        n.getStyleClass().add("current");
      }
    });
  }
}
