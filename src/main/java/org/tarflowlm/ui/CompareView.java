package org.tarflowlm.ui;

import java.nio.file.Path;
import javafx.collections.ListChangeListener;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.Label;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.Slider;
import javafx.scene.control.TextField;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import org.tarflowlm.runtime.PassResult;

/** Compare patch sizes: models side by side on the same prompt, seed and temperature. */
final class CompareView extends BorderPane implements Exportable, RunsFromKeyboard {
  private final Button runButton;
  private final CompareViewModel vm;
  private final FlowPane choices = new FlowPane(8, 4);
  private final GridPane grid = new GridPane();
  private final VBox timelineRows = new VBox(6);

  CompareView(CompareViewModel vm, AppViewModel app) {
    this.vm = vm;
    getStyleClass().add("compare-view");
    TextField prompt = new TextField();
    prompt.setId("compare-prompt");
    prompt.textProperty().bindBidirectional(vm.promptProperty());
    HBox.setHgrow(prompt, Priority.ALWAYS);
    TextField scored = new TextField();
    scored.setId("compare-scored");
    scored.textProperty().bindBidirectional(vm.scoredTextProperty());
    HBox.setHgrow(scored, Priority.ALWAYS);
    Button run = new Button("Compare");
    this.runButton = run;
    run.setId("compare-run");
    run.disableProperty().bind(vm.runningProperty());
    run.setOnAction(e -> vm.run());
    Button stop = new Button("Stop");
    stop.disableProperty().bind(vm.runningProperty().not());
    stop.setOnAction(e -> vm.stop());
    RunButtons.keepFocus(run, stop, vm.runningProperty());
    HBox line1 = new HBox(8, new Label("Prompt"), prompt, new Label("Score the text"), scored, run, stop);
    line1.setAlignment(Pos.CENTER_LEFT);
    // The settings every model writes with, as Refinement has them.
    SamplingFields sampling = new SamplingFields("compare-", vm.lengthProperty(), vm.temperatureProperty(), vm.seedProperty());
    run.disableProperty().unbind();
    run.disableProperty().bind(vm.runningProperty().or(sampling.invalid()));
    FlowPane line2 = new FlowPane(8, 6);
    line2.getChildren().addAll(sampling.nodes());
    line2.setAlignment(Pos.CENTER_LEFT);
    Label error = new Label();
    error.getStyleClass().add("error");
    error.textProperty().bind(vm.errorProperty());
    VBox top = new VBox(6, line1, line2, new HBox(8, new Label("Models"), choices), error);
    top.setPadding(new Insets(10));
    setTop(top);
    app.models().addListener((ListChangeListener<Path>) c -> {
      if (vm.chosen().isEmpty()) {
        vm.chooseDefaults();
      }
      drawChoices(app);
    });
    vm.chosen().addListener((ListChangeListener<Path>) c -> drawChoices(app));

    grid.setHgap(16);
    grid.setVgap(6);
    Slider timeline = new Slider(0, 1, 1);
    timeline.setId("compare-timeline");
    timeline.valueProperty().bindBidirectional(vm.timelineProperty());
    timeline.setPrefWidth(400);
    vm.timelineProperty().addListener((o, a, b) -> drawTimeline());
    vm.rows().addListener((ListChangeListener<CompareRow>) c -> {
      drawGrid();
      drawTimeline();
    });
    drawGrid();
    Label shared = new Label("Refinement on a shared timeline (from noise to text)");
    shared.getStyleClass().add("row-title");
    VBox body = new VBox(12, grid, new HBox(8, shared, timeline), timelineRows);
    body.setPadding(new Insets(10));
    ScrollPane scroll = new ScrollPane(body);
    scroll.setFitToWidth(true);
    setCenter(scroll);
  }

  private void drawChoices(AppViewModel app) {
    choices.getChildren().clear();
    for (Path p : app.models()) {
      CheckBox box = new CheckBox(p.getFileName().toString());
      box.setSelected(vm.chosen().contains(p));
      box.selectedProperty().addListener((o, a, on) -> {
        if (on && !vm.chosen().contains(p)) {
          vm.chosen().add(p);
        } else if (!on) {
          vm.chosen().remove(p);
        }
      });
      choices.getChildren().add(box);
    }
  }

  private void drawGrid() {
    grid.getChildren().clear();
    if (vm.rows().isEmpty()) {
      Label empty = new Label("Tick two to four models and press Compare (Ctrl+Enter): each writes from the same "
          + "prompt, seed and temperature.");
      empty.getStyleClass().add("note");
      grid.add(empty, 0, 0);
      return;
    }
    String[] heads = {"model", "P", "bits/char of the text", "char/s", "sequential steps", "generated text"};
    for (int c = 0; c < heads.length; c++) {
      Label h = new Label(heads[c]);
      h.getStyleClass().add("row-title");
      grid.add(h, c, 0);
    }
    int r = 1;
    for (CompareRow row : vm.rows()) {
      grid.add(new Label(row.model()), 0, r);
      grid.add(new Label(String.valueOf(row.patch())), 1, r);
      grid.add(new Label(String.format("%.3f", row.bitsPerChar())), 2, r);
      grid.add(new Label(String.format("%.0f", row.charsPerSecond())), 3, r);
      grid.add(new Label(String.valueOf(row.sequentialSteps())), 4, r);
      Label text = new Label(row.text());
      text.getStyleClass().add("mono");
      text.setWrapText(true);
      text.setMaxWidth(640);
      grid.add(text, 5, r);
      r++;
    }
  }

  private void drawTimeline() {
    timelineRows.getChildren().clear();
    for (CompareRow row : vm.rows()) {
      int k = CompareViewModel.passAt(row, vm.timelineProperty().get());
      PassResult p = k < 0 ? null : row.passes().get(k);
      Label head = new Label(row.model() + (p == null ? "  the starting noise, as it reads"
          : String.format("  pass %d of %d (layer %d)", k + 1, row.passes().size(), p.layer())));
      head.getStyleClass().add("pass-head");
      Label text = new Label(p == null ? row.noise() : p.text());
      text.getStyleClass().add("mono");
      text.setWrapText(true);
      timelineRows.getChildren().add(new VBox(2, head, text));
    }
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
    return "compare";
  }

  @Override
  public String csv() {
    StringBuilder sb = new StringBuilder("model,patch,bits_per_char,chars_per_second,sequential_steps,text\n");
    for (CompareRow r : vm.rows()) {
      sb.append(r.model()).append(',').append(r.patch()).append(',').append(r.bitsPerChar()).append(',')
          .append(r.charsPerSecond()).append(',').append(r.sequentialSteps()).append(",\"").append(r.text()).append("\"\n");
    }
    return vm.rows().isEmpty() ? "" : sb.toString();
  }
}
