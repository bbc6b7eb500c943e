package org.tarflowlm.ui;

import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.Spinner;
import javafx.scene.control.TextField;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import org.tarflowlm.runtime.Interpolation;

/** Latent interpolation: two texts to noise, a straight path between their noises, each step decoded. */
final class InterpolationView extends BorderPane implements Exportable, RunsFromKeyboard {
  private final Button runButton;
  private final InterpolationViewModel vm;
  private final VBox lines = new VBox(4);

  InterpolationView(InterpolationViewModel vm) {
    this.vm = vm;
    getStyleClass().add("interpolation-view");
    TextField from = new TextField();
    from.setId("interp-from");
    from.textProperty().bindBidirectional(vm.fromProperty());
    TextField to = new TextField();
    to.setId("interp-to");
    to.textProperty().bindBidirectional(vm.toProperty());
    HBox.setHgrow(from, Priority.ALWAYS);
    HBox.setHgrow(to, Priority.ALWAYS);
    Spinner<Integer> steps = new Spinner<>(1, 64, vm.stepsProperty().get());
    steps.setPrefWidth(80);
    steps.setEditable(true);
    steps.valueProperty().addListener((o, a, b) -> vm.stepsProperty().set(b));
    NumberFields.Check stepsCheck = NumberFields.guard(steps, "steps", vm.stepsProperty()::set);
    Button run = new Button("Interpolate");
    this.runButton = run;
    run.setId("interp-run");
    run.disableProperty().bind(vm.runningProperty().or(stepsCheck.valid().not()));
    run.setOnAction(e -> vm.run());
    Button stop = new Button("Stop");
    stop.disableProperty().bind(vm.runningProperty().not());
    stop.setOnAction(e -> vm.stop());
    RunButtons.keepFocus(run, stop, vm.runningProperty());
    HBox controls = new HBox(8, new Label("From"), from, new Label("to"), to, new Label("Steps"), steps, stepsCheck.problem(), run,
        stop);
    controls.setAlignment(Pos.CENTER_LEFT);
    Label error = new Label();
    error.getStyleClass().add("error");
    error.textProperty().bind(vm.errorProperty());
    Label note = new Label("Both texts are run forward to the noise u; the path (1 - a) u_from + a u_to is inverted through every layer and decoded at each step. Characters that differ from the step before are highlighted.");
    note.getStyleClass().add("note");
    note.setWrapText(true);
    VBox top = new VBox(6, controls, note, error);
    top.setPadding(new Insets(10));
    setTop(top);
    lines.setPadding(new Insets(10));
    ScrollPane scroll = new ScrollPane(lines);
    scroll.setFitToWidth(true);
    setCenter(scroll);
    vm.resultProperty().addListener((o, a, r) -> redraw(r));
    redraw(null);
  }

  private void redraw(Interpolation r) {
    lines.getChildren().clear();
    if (r == null) {
      Label empty = new Label("Type two texts and press Interpolate (Ctrl+Enter): both run forward to the noise, and "
          + "each step of the straight path between the two noises is decoded back to a text here.");
      empty.getStyleClass().add("note");
      empty.setWrapText(true);
      lines.getChildren().add(empty);
      return;
    }
    String previous = null;
    for (int s = 0; s < r.texts().size(); s++) {
      String text = r.texts().get(s);
      FlowPane chars = new FlowPane();
      chars.setPrefWrapLength(1100);
      for (int k = 0; k < text.length(); k++) {
        char c = text.charAt(k);
        Label l = new Label(c == ' ' ? "\u00a0" : String.valueOf(c));
        boolean changed = previous != null && (k >= previous.length() || previous.charAt(k) != c);
        l.getStyleClass().add(changed ? "changed" : "cell-plain");
        chars.getChildren().add(l);
      }
      Label head = new Label(String.format("a = %.3f", r.alphas()[s]));
      head.getStyleClass().add("pass-head");
      head.setMinWidth(90);
      HBox line = new HBox(8, head, chars);
      line.getStyleClass().add("pass-line");
      lines.getChildren().add(line);
      previous = text;
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
    return "interpolation";
  }

  @Override
  public String csv() {
    Interpolation r = vm.resultProperty().get();
    if (r == null) {
      return "";
    }
    StringBuilder sb = new StringBuilder("alpha,text\n");
    for (int s = 0; s < r.texts().size(); s++) {
      sb.append(r.alphas()[s]).append(",\"").append(r.texts().get(s)).append("\"\n");
    }
    return sb.toString();
  }
}
