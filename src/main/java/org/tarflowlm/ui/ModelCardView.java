package org.tarflowlm.ui;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import javafx.geometry.Insets;
import javafx.geometry.Orientation;
import javafx.scene.control.CheckBox;
import javafx.scene.control.Label;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.SplitPane;
import javafx.scene.control.TextArea;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.fx.ChartViewer;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.tarflowlm.runtime.TrainingCurves;

/**
 * The open model's training curves (bits per character by step, one marker per new layer) beside
 * its card, rendered from markdown (or shown as source, to select and copy).
 */
final class ModelCardView extends BorderPane implements Exportable {
  private final ModelCardViewModel vm;
  private final XYSeriesCollection data = new XYSeriesCollection();
  private final XYPlot plot;
  private final Label summary = new Label();

  ModelCardView(ModelCardViewModel vm) {
    this.vm = vm;
    getStyleClass().add("model-card-view");
    JFreeChart chart = ChartFactory.createXYLineChart("Training curves", "step", "bits per character", data,
        PlotOrientation.VERTICAL, true, true, false);
    chart.getTitle().setFont(new Font("SansSerif", Font.BOLD, 13));
    chart.setBackgroundPaint(Color.WHITE);
    plot = chart.getXYPlot();
    plot.setBackgroundPaint(Color.WHITE);
    plot.setRangeGridlinePaint(new Color(0xd0d3dc));
    plot.setDomainGridlinePaint(new Color(0xd0d3dc));
    XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
    renderer.setSeriesPaint(0, new Color(0x35b779));
    renderer.setSeriesPaint(1, new Color(0x31688e));
    renderer.setSeriesStroke(1, new BasicStroke(2f));
    plot.setRenderer(renderer);
    ((org.jfree.chart.axis.NumberAxis) plot.getRangeAxis()).setAutoRangeIncludesZero(false);
    ChartViewer viewer = new ChartViewer(chart);
    viewer.setId("curves-chart");
    summary.setId("curves-summary");
    summary.getStyleClass().add("summary");
    summary.setWrapText(true);
    Label error = new Label();
    error.getStyleClass().add("error");
    error.textProperty().bind(vm.errorProperty());
    VBox left = new VBox(6, viewer, summary, error);
    VBox.setVgrow(viewer, Priority.ALWAYS);
    left.setPadding(new Insets(10));
    TextArea source = new TextArea();
    source.setId("card-text");
    source.getStyleClass().add("card-text");
    source.setEditable(false);
    source.setWrapText(true);
    source.textProperty().bind(vm.cardProperty().map(t -> t.isEmpty() ? "This model folder has no card.md." : t));
    ScrollPane rendered = new ScrollPane();
    rendered.setId("card-rendered");
    rendered.setFitToWidth(true);
    rendered.setPadding(new Insets(10));
    vm.cardProperty().addListener((o, a, t) -> rendered.setContent(cardNodes(t)));
    rendered.setContent(cardNodes(vm.cardProperty().get()));
    CheckBox showSource = new CheckBox("show the markdown source (to select and copy)");
    showSource.setId("card-source");
    BorderPane card = new BorderPane(rendered);
    card.setTop(showSource);
    BorderPane.setMargin(showSource, new Insets(6, 10, 0, 10));
    showSource.selectedProperty().addListener((o, a, on) -> card.setCenter(on ? source : rendered));
    SplitPane split = new SplitPane(left, card);
    split.setOrientation(Orientation.HORIZONTAL);
    split.setDividerPositions(0.55);
    setCenter(split);
    vm.curvesProperty().addListener((o, a, c) -> redraw(c));
    redraw(vm.curvesProperty().get());
  }

  private static javafx.scene.Node cardNodes(String markdown) {
    return MarkdownNodes.render(markdown == null || markdown.isEmpty() ? "This model folder has no card.md." : markdown);
  }

  private void redraw(TrainingCurves c) {
    data.removeAllSeries();
    plot.clearDomainMarkers();
    if (c == null || c.points().isEmpty()) {
      summary.setText("This model folder ships no curves.csv (card --install copies the training run's).");
      return;
    }
    XYSeries train = new XYSeries("training batches");
    XYSeries val = new XYSeries("validation");
    for (TrainingCurves.Point p : c.points()) {
      train.add(p.step(), p.trainBpc());
      val.add(p.step(), p.valBpc());
    }
    data.addSeries(train);
    data.addSeries(val);
    int stage = 2;
    for (int step : c.stageStarts()) {
      ValueMarker m = new ValueMarker(step, new Color(0x6b7280), new BasicStroke(1f, BasicStroke.CAP_BUTT,
          BasicStroke.JOIN_MITER, 1f, new float[] {4f, 4f}, 0f));
      m.setLabel("layer " + stage++);
      m.setLabelAnchor(RectangleAnchor.TOP_LEFT);
      m.setLabelTextAnchor(TextAnchor.TOP_RIGHT);
      plot.addDomainMarker(m);
    }
    StringBuilder s = new StringBuilder(String.format("%,d evaluations over %,d steps. Best validation bpc per stage:",
        c.points().size(), c.points().get(c.points().size() - 1).step()));
    for (int k = 1; k <= c.stages(); k++) {
      s.append(String.format(" stage %d %.4f%s", k, c.bestValidation(k), k < c.stages() ? ";" : "."));
    }
    summary.setText(s.toString());
  }

  @Override
  public String caption() {
    return vm.caption();
  }

  @Override
  public String exportName() {
    return "training-curves";
  }

  @Override
  public String csv() {
    TrainingCurves c = vm.curvesProperty().get();
    if (c == null) {
      return "";
    }
    StringBuilder sb = new StringBuilder("step,stage,lr,train_bpc,val_bpc,chars_per_s\n");
    for (TrainingCurves.Point p : c.points()) {
      sb.append(p.step()).append(',').append(p.stage()).append(',').append(p.learningRate()).append(',')
          .append(p.trainBpc()).append(',').append(p.valBpc()).append(',').append(p.charsPerSecond()).append('\n');
    }
    return sb.toString();
  }
}
