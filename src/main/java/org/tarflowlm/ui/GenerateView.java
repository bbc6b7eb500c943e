package org.tarflowlm.ui;

import java.util.Locale;
import javafx.beans.binding.Bindings;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.TextField;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import javafx.scene.paint.Color;
import javafx.scene.text.Text;
import javafx.scene.text.TextFlow;

/** The Generate view: a playground that shades every character by its bits under the model. */
final class GenerateView extends BorderPane implements Exportable, RunsFromKeyboard {
  private final Button runButton;
  private final GenerateViewModel vm;
  private final FlowPane scored = new FlowPane();
  private final TextFlow streaming = new TextFlow();

  private final PositionCells positions;

  GenerateView(GenerateViewModel vm, Selection selection, javafx.beans.value.ObservableBooleanValue current) {
    this.vm = vm;
    this.positions = new PositionCells(selection, false, current);
    getStyleClass().add("generate-view");

    TextField prompt = new TextField();
    prompt.setId("prompt");
    prompt.setPromptText("a prompt to continue, or a template whose _ blanks the model fills (optional)");
    prompt.textProperty().bindBidirectional(vm.promptProperty());
    HBox.setHgrow(prompt, Priority.ALWAYS);

    SamplingFields sampling = new SamplingFields("", vm.lengthProperty(), vm.temperatureProperty(), vm.seedProperty());
    javafx.scene.control.ChoiceBox<String> decoding = new javafx.scene.control.ChoiceBox<>(
        javafx.collections.FXCollections.observableArrayList("Sequential", "Jacobi"));
    decoding.setId("decoding");
    decoding.setValue(vm.jacobiProperty().get() ? "Jacobi" : "Sequential");
    decoding.valueProperty().addListener((o, a, b) -> vm.jacobiProperty().set("Jacobi".equals(b)));
    vm.jacobiProperty().addListener((o, a, on) -> decoding.setValue(on ? "Jacobi" : "Sequential"));
    decoding.setTooltip(new Tooltip("How each layer is inverted: position by position, or by Jacobi sweeps over "
        + "the whole text until nothing moves (the same text; Multi-pass refinement shows the sweeps)"));
    javafx.scene.control.ChoiceBox<Double> tolerance = ToleranceChoice.of("tolerance", vm.toleranceProperty(),
        vm.jacobiProperty());
    Button newSeed = new Button("New seed");
    newSeed.setOnAction(e -> vm.newSeed());

    Button generate = new Button("Generate");
    this.runButton = generate;
    generate.setId("generate");
    generate.setDefaultButton(true);
    generate.disableProperty().bind(vm.runningProperty().or(sampling.invalid()));
    generate.setOnAction(e -> vm.generate());
    Button stop = new Button("Stop");
    stop.setId("stop");
    stop.disableProperty().bind(vm.runningProperty().not());
    stop.setOnAction(e -> vm.stop());
    RunButtons.keepFocus(generate, stop, vm.runningProperty());
    ProgressBar progress = new ProgressBar();
    progress.progressProperty().bind(vm.progressProperty());
    progress.visibleProperty().bind(vm.runningProperty());

    // A flow pane wraps onto a second row in a narrow window instead of cutting the labels short.
    prompt.setPrefColumnCount(30);
    FlowPane controls = new FlowPane(8, 6, new Label("Prompt"), prompt);
    controls.getChildren().addAll(sampling.nodes());
    controls.getChildren().addAll(newSeed, new Label("Decoding"), decoding, new Label("Tolerance"), tolerance, generate,
        stop, progress);
    controls.setAlignment(Pos.CENTER_LEFT);

    Label normalization = new Label();
    normalization.setId("normalization");
    normalization.getStyleClass().add("note");
    normalization.textProperty().bind(vm.normalizationProperty());
    Label error = new Label();
    error.setId("generate-error");
    error.getStyleClass().add("error");
    error.textProperty().bind(vm.errorProperty());
    Label summary = new Label();
    summary.setId("summary");
    summary.getStyleClass().add("summary");
    summary.textProperty().bind(vm.summaryProperty());

    Button trim = new Button();
    trim.setId("trim-prompt");
    trim.textProperty().bind(vm.trimOfferProperty());
    trim.visibleProperty().bind(vm.trimOfferProperty().isEmpty().not());
    trim.managedProperty().bind(trim.visibleProperty());
    trim.setOnAction(e -> vm.trimPrompt());
    HBox errorRow = new HBox(8, error, trim);
    errorRow.setAlignment(Pos.CENTER_LEFT);
    VBox top = new VBox(6, controls, normalization, errorRow);
    top.setPadding(new Insets(10));
    setTop(top);

    streaming.getStyleClass().add("streaming");
    streaming.setId("streaming");
    Text streamText = new Text();
    streamText.getStyleClass().add("mono");
    streamText.textProperty().bind(vm.streamedProperty());
    streaming.getChildren().add(streamText);
    streaming.visibleProperty().bind(Bindings.isEmpty(vm.cells()));
    streaming.managedProperty().bind(streaming.visibleProperty());

    scored.setId("scored");
    scored.getStyleClass().add("scored");
    MainView.selectionSurface(scored);
    vm.cells().addListener((javafx.collections.ListChangeListener<CharCell>) c -> redraw());
    // The shaded characters are labels; the plain text beside them can be selected and copied.
    javafx.scene.control.TextArea plain = new javafx.scene.control.TextArea();
    plain.setId("plain-text");
    plain.setEditable(false);
    plain.setWrapText(true);
    plain.setPrefRowCount(4);
    plain.getStyleClass().add("mono");
    plain.textProperty().bind(vm.streamedProperty());
    javafx.scene.control.CheckBox showPlain = new javafx.scene.control.CheckBox("plain text (to select)");
    showPlain.setId("show-plain");
    plain.visibleProperty().bind(showPlain.selectedProperty());
    plain.managedProperty().bind(plain.visibleProperty());
    Button copy = new Button("Copy text");
    copy.setId("copy-text");
    copy.disableProperty().bind(Bindings.isEmpty(vm.cells()));
    copy.setOnAction(e -> {
      javafx.scene.input.ClipboardContent content = new javafx.scene.input.ClipboardContent();
      content.putString(vm.streamedProperty().get());
      javafx.scene.input.Clipboard.getSystemClipboard().setContent(content);
    });
    HBox textActions = new HBox(10, copy, showPlain);
    textActions.setAlignment(Pos.CENTER_LEFT);
    Label empty = new Label("Type a prompt to continue, or a template with _ for the characters to write, and press "
        + "Generate (Ctrl+Enter). Leave it empty to write from nothing.");
    empty.getStyleClass().add("note");
    empty.setWrapText(true);
    empty.visibleProperty().bind(vm.streamedProperty().isEmpty().and(Bindings.isEmpty(vm.cells())));
    empty.managedProperty().bind(empty.visibleProperty());
    VBox body = new VBox(8, empty, streaming, scored, plain, summary, textActions, Legend.bits());
    body.setPadding(new Insets(10));
    ScrollPane scroll = new ScrollPane(body);
    scroll.setFitToWidth(true);
    setCenter(scroll);
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
    return "generate";
  }

  @Override
  public String csv() {
    StringBuilder sb = new StringBuilder("position,char,bits,prompt,alternatives\n");
    int i = 0;
    for (CharCell c : vm.cells()) {
      sb.append(i++).append(",\"").append(c.ch()).append("\",").append(String.format(Locale.ROOT, "%.5f", c.bits())).append(',')
          .append(c.prompt()).append(",\"").append(String.join(" ", c.alternatives())).append("\"\n");
    }
    return vm.cells().isEmpty() ? "" : sb.toString();
  }

  private void redraw() {
    scored.getChildren().clear();
    positions.clear();
    java.util.List<Label> row = positions.row();
    // A word's characters sit in one box, so the text wraps between words and never inside one.
    HBox word = null;
    for (CharCell cell : vm.cells()) {
      Label l = new Label(cell.ch() == ' ' ? "\u00a0" : String.valueOf(cell.ch()));
      Color bg = BitsPalette.ofBits(cell.bits());
      l.getStyleClass().add(cell.prompt() ? "cell-prompt" : "cell");
      l.setStyle("-fx-background-color: " + BitsPalette.css(bg) + "; -fx-text-fill: "
          + BitsPalette.css(BitsPalette.textOn(bg)) + ";");
      StringBuilder tip = new StringBuilder(String.format("'%s': %.2f bits%s", cell.ch() == ' ' ? "space" : cell.ch(),
          cell.bits(), cell.prompt() ? " (prompt)" : ""));
      if (!cell.alternatives().isEmpty()) {
        tip.append("\nmost likely here: ").append(String.join(", ", cell.alternatives()));
      }
      Tooltip t = new Tooltip(tip.toString());
      t.setShowDelay(javafx.util.Duration.millis(100));
      l.setTooltip(t);
      positions.add(row, l);
      if (cell.ch() == ' ') {
        scored.getChildren().add(l);
        word = null;
      } else {
        if (word == null) {
          word = new HBox();
          word.getStyleClass().add("word");
          scored.getChildren().add(word);
        }
        word.getChildren().add(l);
      }
    }
    positions.mark();
  }
}
