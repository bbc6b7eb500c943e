package org.tarflowlm.ui;

import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.Slider;
import javafx.scene.control.TextField;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import javafx.scene.paint.Color;
import org.jfree.chart.fx.ChartViewer;
import org.jfree.data.category.DefaultCategoryDataset;
import org.tarflowlm.runtime.ForwardTrace;
import org.tarflowlm.runtime.LayerTrace;

/**
 * The layer stepper: one row per state from the data (z) to the noise (u), each with the text the
 * decoder reads there shaded by its confidence and the log-det per position; a slider and buttons
 * step forward (text to noise) and backward (noise to text); a chart splits the bits by term.
 */
final class LayersView extends BorderPane implements Exportable, RunsFromKeyboard {
  private final Button runButton;
  private final LayersViewModel vm;
  private final VBox rows = new VBox(10);
  private final ChartViewer bitsChart;
  private final DefaultCategoryDataset bits = new DefaultCategoryDataset();
  private final Slider slider = new Slider(0, 1, 0);

  private final PositionCells cells;

  LayersView(LayersViewModel vm, Selection selection) {
    this.vm = vm;
    this.cells = new PositionCells(selection, true);
    getStyleClass().add("layers-view");
    TextField text = new TextField();
    text.setId("layers-text");
    text.textProperty().bindBidirectional(vm.textProperty());
    HBox.setHgrow(text, Priority.ALWAYS);
    Button run = new Button("Trace");
    this.runButton = run;
    run.setId("trace");
    run.setDefaultButton(true);
    run.disableProperty().bind(vm.runningProperty());
    run.setOnAction(e -> vm.run());
    Button stop = new Button("Stop");
    stop.setId("trace-stop");
    stop.disableProperty().bind(vm.runningProperty().not());
    stop.setOnAction(e -> vm.stop());
    RunButtons.keepFocus(run, stop, vm.runningProperty());
    Button back = new Button("\u25c0 towards text");
    back.setId("step-back");
    back.setOnAction(e -> vm.backward());
    Button fwd = new Button("towards noise \u25b6");
    fwd.setId("step-forward");
    fwd.setOnAction(e -> vm.forward());
    slider.setId("layer-slider");
    slider.setMajorTickUnit(1);
    slider.setMinorTickCount(0);
    slider.setSnapToTicks(true);
    slider.setShowTickMarks(true);
    slider.setShowTickLabels(true);
    slider.setPrefWidth(220);
    slider.valueProperty().addListener((o, a, b) -> vm.currentProperty().set((int) Math.round(b.doubleValue())));
    vm.currentProperty().addListener((o, a, b) -> {
      slider.setValue(b.intValue());
      highlight();
    });
    HBox controls = new HBox(8, new Label("Text"), text, run, stop, back, slider, fwd);
    controls.setAlignment(Pos.CENTER_LEFT);
    Label error = new Label();
    error.setId("layers-error");
    error.getStyleClass().add("error");
    error.textProperty().bind(vm.errorProperty());
    Label caption = new Label();
    caption.setId("layers-caption");
    caption.getStyleClass().add("caption");
    caption.textProperty().bind(vm.captionProperty());
    VBox top = new VBox(6, controls, caption, error);
    top.setPadding(new Insets(10));
    setTop(top);

    rows.setPadding(new Insets(10));
    MainView.selectionSurface(rows);
    ScrollPane scroll = new ScrollPane(new VBox(8, rows, Legend.scale("0%", "100%", "decoder confidence (text) and log-det per position (bars, cheap to costly)")));
    scroll.setFitToWidth(true);
    setCenter(scroll);

    bitsChart = Charts.bars("Bits of the text by term", null, "bits", bits, true);
    Charts.valuesOnBars(bitsChart);
    ChartViewer viewer = bitsChart;
    viewer.setPrefWidth(340);
    setRight(viewer);
    vm.traceProperty().addListener((o, a, t) -> show(t));
    show(vm.traceProperty().get());
  }

  private void show(ForwardTrace t) {
    rows.getChildren().clear();
    cells.clear();
    bits.clear();
    bitsChart.getChart().setTitle("Bits of the text by term");
    if (t == null) {
      rows.getChildren().add(emptyHint());
      return;
    }
    slider.setMax(t.states().size() - 1);
    double[] health = vm.roundTripProperty().get();
    for (LayerTrace s : t.states()) {
      rows.getChildren().add(row(t, s, health));
    }
    bits.addValue(sum(t.decoderBits()), "bits", "decoder");
    for (int l = 0; l < t.layerBits().length; l++) {
      bits.addValue(sum(t.layerBits()[l]), "bits", "layer " + (l + 1) + " log-det");
    }
    bits.addValue(sum(t.baseBits()), "bits", "base Gaussian");
    // The terms add up to the text's bits: the total, and per character, beside the bars.
    double total = sum(t.decoderBits()) + sum(t.baseBits());
    for (float[] layer : t.layerBits()) {
      total += sum(layer);
    }
    bitsChart.getChart().setTitle(String.format("Bits of the text by term: %.1f in all (%.3f per character)", total,
        t.bitsPerChar()));
    bitsChart.getChart().getTitle().setFont(new java.awt.Font("SansSerif", java.awt.Font.BOLD, 12));
    highlight();
    cells.mark();
  }

  private static Label emptyHint() {
    Label hint = new Label("Type a text above and press Trace, or generate one in Generate: its forward run from "
        + "text to noise shows here, one row per layer.");
    hint.getStyleClass().add("note");
    hint.setWrapText(true);
    return hint;
  }

  private VBox row(ForwardTrace t, LayerTrace s, double[] health) {
    String head = s.index() == 0 ? "z: the data latent" : s.label() + (s.index() == t.states().size() - 1 ? " = u, the noise" : "");
    if (s.index() > 0) {
      head += String.format("   log-det term %.1f bits", sum(t.layerBits()[s.index() - 1]));
      if (health != null) {
        head += String.format("   round trip %.1e %s", health[s.index() - 1], health[s.index() - 1] < 1e-4 ? "\u2713" : "\u26a0");
      }
    }
    Label title = new Label(head);
    title.getStyleClass().add("row-title");
    FlowPane chars = new FlowPane();
    FlowPane dets = new FlowPane();
    java.util.List<Label> row = cells.row();
    double maxDet = 1e-9;
    if (s.logDet() != null) {
      for (float v : s.logDet()) {
        maxDet = Math.max(maxDet, Math.abs(v));
      }
    }
    for (int i = 0; i < s.decoded().length(); i++) {
      char c = s.decoded().charAt(i);
      Label l = new Label(c == ' ' ? "\u00a0" : String.valueOf(c));
      Color bg = BitsPalette.scale(s.confidence()[i]);
      l.getStyleClass().add("cell");
      l.setStyle("-fx-background-color: " + BitsPalette.css(bg) + "; -fx-text-fill: " + BitsPalette.css(BitsPalette.textOn(bg)) + ";");
      String tip = String.format("position %d: '%s' with p = %.3f", i, c, s.confidence()[i]);
      if (s.logDet() != null) {
        tip += String.format("\nlog-det term %.3f bits", -s.logDet()[i] / Math.log(2));
      }
      l.setTooltip(new Tooltip(tip + "\nclick: select it in every view"));
      chars.getChildren().add(l);
      cells.add(row, l);
      if (s.logDet() != null) {
        Label bar = new Label("\u00a0");
        bar.getStyleClass().add("det-cell");
        bar.setStyle("-fx-background-color: " + BitsPalette.css(BitsPalette.scale(0.5 - 0.5 * s.logDet()[i] / maxDet)) + ";");
        dets.getChildren().add(bar);
      }
    }
    VBox box = new VBox(2, title, chars, dets);
    box.getStyleClass().add("layer-row");
    box.setUserData(s.index());
    return box;
  }

  @Override
  public Button runButton() {
    return runButton;
  }

  @Override
  public String caption() {
    return vm.captionProperty().get();
  }

  @Override
  public String exportName() {
    return "layers";
  }

  @Override
  public String csv() {
    ForwardTrace t = vm.traceProperty().get();
    if (t == null) {
      return "";
    }
    StringBuilder sb = new StringBuilder("state,label,position,char,confidence,log_det,layer_bits\n");
    for (LayerTrace s : t.states()) {
      for (int i = 0; i < s.decoded().length(); i++) {
        sb.append(s.index()).append(",\"").append(s.label()).append("\",").append(i).append(",\"")
            .append(s.decoded().charAt(i)).append("\",").append(s.confidence()[i]).append(',')
            .append(s.logDet() == null ? "" : String.valueOf(s.logDet()[i])).append(',')
            .append(s.index() == 0 ? "" : String.valueOf(t.layerBits()[s.index() - 1][i])).append('\n');
      }
    }
    return sb.toString();
  }

  private void highlight() {
    int cur = vm.currentProperty().get();
    rows.getChildren().forEach(n -> {
      boolean on = n.getUserData() instanceof Integer i && i == cur;
      n.getStyleClass().remove("current");
      if (on) {
        n.getStyleClass().add("current");
      }
    });
  }

  private static double sum(float[] v) {
    double s = 0;
    for (float x : v) {
      s += x;
    }
    return s;
  }
}
