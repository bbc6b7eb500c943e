package org.tarflowlm.ui;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Paint;
import java.util.List;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressIndicator;
import javafx.scene.control.Spinner;
import javafx.scene.control.SpinnerValueFactory.IntegerSpinnerValueFactory;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.fx.ChartViewer;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.tarflowlm.model.CouplingType;
import org.tarflowlm.runtime.AffineSlice;
import org.tarflowlm.runtime.CouplingSlice;
import org.tarflowlm.runtime.MixtureSlice;

/**
 * Mixture components: for the layer, position and channel selected in the traced run, the
 * mixture's weights as bars (for Mix-d the 12 likeliest characters, a next-character distribution,
 * the actual character highlighted), its weighted components and their sum as densities with x
 * marked, and the CDF that maps x to the Gaussian side, h = Phi^-1(F(x)). For an affine layer, its
 * shift and scale. Every number comes from the runtime's {@link MixtureSlice}.
 */
final class MixtureView extends BorderPane implements Exportable {
  /** Bars shown for a Mix-d layer's 27 characters. */
  static final int TOP = 12;

  private static final Color INK = new Color(0x23, 0x26, 0x3a);
  private static final Color BAR = new Color(0x31, 0x68, 0x8e);
  private static final Color ACTUAL = new Color(0xfd, 0xe7, 0x25);
  private static final Color MARK = new Color(0xb0, 0x00, 0x20);

  private final MixtureViewModel vm;
  private final Spinner<Integer> layer = new Spinner<>();
  private final ComboBox<String> position = new ComboBox<>();
  private final Spinner<Integer> channel = new Spinner<>();
  private final DefaultCategoryDataset weights = new DefaultCategoryDataset();
  private final ChartViewer weightsViewer;
  private final ChartViewer densityViewer;
  private final ChartViewer cdfViewer;
  private final Label affine = new Label();
  private final VBox mixtureBox;
  private final VBox affineBox;
  private final Label hint = new Label("Trace a text in Flow layers: its run is shown here.");
  private String actualLabel;

  MixtureView(MixtureViewModel vm) {
    this.vm = vm;
    getStyleClass().add("mixture-view");

    layer.setId("mixture-layer");
    layer.setValueFactory(new IntegerSpinnerValueFactory(1, 1, 1));
    layer.setPrefWidth(70);
    layer.valueProperty().addListener((o, a, b) -> {
      if (b != null) {
        vm.layerProperty().set(b);
      }
    });
    vm.layerProperty().addListener((o, a, b) -> layer.getValueFactory().setValue(b.intValue()));
    Label layerLabel = new Label();
    layerLabel.setId("mixture-layer-label");
    layerLabel.getStyleClass().add("note");
    layerLabel.textProperty().bind(vm.layerLabelProperty());

    position.setId("mixture-position");
    position.setItems(vm.positionLabels());
    position.setPrefWidth(130);
    position.setVisibleRowCount(16);
    position.getSelectionModel().selectedIndexProperty().addListener((o, a, b) -> {
      if (b.intValue() >= 0) {
        vm.positionProperty().set(b.intValue());
      }
    });
    vm.positionProperty().addListener((o, a, b) -> position.getSelectionModel().select(b.intValue()));
    vm.positionLabels().addListener((javafx.collections.ListChangeListener<String>) c ->
        position.getSelectionModel().select(vm.positionProperty().get()));

    channel.setId("mixture-channel");
    channel.setValueFactory(new IntegerSpinnerValueFactory(0, 0, 0));
    channel.setPrefWidth(70);
    channel.valueProperty().addListener((o, a, b) -> {
      if (b != null) {
        vm.channelProperty().set(b);
      }
    });
    vm.channelProperty().addListener((o, a, b) -> channel.getValueFactory().setValue(b.intValue()));

    ProgressIndicator loading = new ProgressIndicator();
    loading.setPrefSize(18, 18);
    loading.visibleProperty().bind(vm.loadingProperty());
    HBox controls = new HBox(8, new Label("Layer"), layer, layerLabel, new Label("Position"), position,
        new Label("Channel"), channel, loading, hint);
    controls.setAlignment(Pos.CENTER_LEFT);
    hint.getStyleClass().add("note");
    Label summary = new Label();
    summary.setId("mixture-summary");
    summary.getStyleClass().add("summary");
    summary.textProperty().bind(vm.summaryProperty());
    Label error = new Label();
    error.setId("mixture-error");
    error.getStyleClass().add("error");
    error.textProperty().bind(vm.errorProperty());
    Label caption = new Label();
    caption.setId("mixture-caption");
    caption.getStyleClass().add("caption");
    caption.textProperty().bind(vm.captionProperty());
    VBox top = new VBox(6, caption, controls, summary, error);
    top.setPadding(new Insets(10));
    setTop(top);

    weightsViewer = Charts.bars("Mixture weights", null, "weight", weights, false);
    weightsViewer.setId("mixture-weights");
    weightsViewer.setPrefWidth(380);
    CategoryPlot bars = weightsViewer.getChart().getCategoryPlot();
    BarRenderer renderer = new BarRenderer() {
      @Override
      public Paint getItemPaint(int row, int column) {
        Comparable<?> key = weights.getColumnCount() > column ? weights.getColumnKey(column) : null;
        return key != null && key.equals(actualLabel) ? ACTUAL : BAR;
      }
    };
    renderer.setBarPainter(new StandardBarPainter());
    renderer.setShadowVisible(false);
    renderer.setDrawBarOutline(true);
    renderer.setSeriesOutlinePaint(0, INK);
    bars.setRenderer(renderer);

    densityViewer = new ChartViewer(xyChart("Components and their mixture", "x", "density", true));
    densityViewer.setId("mixture-density");
    cdfViewer = new ChartViewer(xyChart("CDF: h = \u03a6\u207b\u00b9(F(x))", "x", "F(x)", false));
    cdfViewer.setId("mixture-cdf");
    cdfViewer.setPrefHeight(240);
    cdfViewer.setMinHeight(180);
    Label h = new Label();
    h.setId("mixture-h");
    h.getStyleClass().add("summary");
    h.textProperty().bind(vm.hLabelProperty());
    VBox curves = new VBox(6, densityViewer, cdfViewer, h);
    VBox.setVgrow(densityViewer, Priority.ALWAYS);
    HBox charts = new HBox(10, weightsViewer, curves);
    HBox.setHgrow(curves, Priority.ALWAYS);
    VBox.setVgrow(charts, Priority.ALWAYS);
    mixtureBox = new VBox(charts);
    mixtureBox.setPadding(new Insets(0, 10, 10, 10));

    affine.setId("mixture-affine");
    affine.getStyleClass().add("mono");
    affine.setWrapText(true);
    Label affineNote = new Label("An affine layer has no mixture: it shifts and scales each channel, "
        + "h = (x \u2212 b)\u00b7exp(\u2212a), with b and a from the context of the positions before.");
    affineNote.getStyleClass().add("note");
    affineNote.setWrapText(true);
    affineBox = new VBox(10, affineNote, affine);
    affineBox.setPadding(new Insets(10));
    affineBox.setAlignment(Pos.TOP_LEFT);
    mixtureBox.managedProperty().bind(mixtureBox.visibleProperty());
    affineBox.managedProperty().bind(affineBox.visibleProperty());
    affineBox.setVisible(false);
    setCenter(new StackPane(mixtureBox, affineBox));

    vm.traceProperty().addListener((o, a, t) -> ranges());
    vm.sliceProperty().addListener((o, a, s) -> show(s));
    ranges();
    show(vm.sliceProperty().get());
  }

  /** The spinners' ranges follow the trace. */
  private void ranges() {
    boolean has = vm.traceProperty().get() != null;
    hint.setVisible(!has);
    hint.setManaged(!has);
    ((IntegerSpinnerValueFactory) layer.getValueFactory()).setMax(Math.max(1, vm.layerCount()));
    ((IntegerSpinnerValueFactory) channel.getValueFactory()).setMax(Math.max(0, vm.channelCount() - 1));
    layer.getValueFactory().setValue(vm.layerProperty().get());
    channel.getValueFactory().setValue(vm.channelProperty().get());
    position.getSelectionModel().select(vm.positionProperty().get());
  }

  private static JFreeChart xyChart(String title, String x, String y, boolean legend) {
    JFreeChart chart = ChartFactory.createXYLineChart(title, x, y, new XYSeriesCollection(),
        PlotOrientation.VERTICAL, legend, true, false);
    chart.getTitle().setFont(new Font("SansSerif", Font.BOLD, 13));
    chart.setBackgroundPaint(Color.WHITE);
    XYPlot plot = chart.getXYPlot();
    plot.setBackgroundPaint(Color.WHITE);
    plot.setRangeGridlinePaint(new Color(0xd0d3dc));
    plot.setDomainGridlinePaint(new Color(0xd0d3dc));
    return chart;
  }

  private void show(CouplingSlice slice) {
    MixtureSlice s = slice instanceof MixtureSlice m ? m : null;
    mixtureBox.setVisible(!(slice instanceof AffineSlice));
    affineBox.setVisible(slice instanceof AffineSlice);
    showWeights(s);
    showDensity(s);
    showCdf(s);
    affine.setText(slice instanceof AffineSlice a ? String.format(
        "%s, position %d ('%s'), channel %d%n%n  x                    = %.6f%n  shift b              = %.6f%n"
            + "  log-scale a          = %.6f%n  scale exp(a)         = %.6f%n  h = (x \u2212 b)\u00b7exp(\u2212a) = %.6f",
        a.layerLabel(), a.position(), MixtureViewModel.visible(a.characters()), a.channel(), a.x(), a.shift(),
        a.logScale(), a.scale(), a.h()) : "");
  }

  private void showWeights(MixtureSlice s) {
    JFreeChart chart = weightsViewer.getChart();
    chart.setNotify(false);
    weights.clear();
    actualLabel = null;
    if (s != null) {
      boolean mixd = s.coupling() == CouplingType.MIXD;
      int components = s.mixture().components();
      int tokenChannel = s.token().map(MixtureSlice.Token::channel).orElse(0);
      List<MixtureViewModel.Bar> top = vm.topWeights(mixd ? TOP : components);
      for (MixtureViewModel.Bar b : top) {
        weights.addValue(b.weight(), "weight", b.label());
        if (b.actual()) {
          actualLabel = b.label();
        }
      }
      String title;
      if (!mixd) {
        title = "Mixture weights \u03c0";
      } else if (tokenChannel == 0) {
        title = String.format("Next character \u03c0 = \u03b1^(1), top %d of %d", Math.min(TOP, components),
            components);
      } else {
        title = String.format("\u03b1^(%d): \u03c0 updated by the token's channels 1..%d", tokenChannel + 1,
            tokenChannel);
      }
      chart.setTitle(title);
      chart.getTitle().setFont(new Font("SansSerif", Font.BOLD, 13));
      chart.getCategoryPlot().getDomainAxis().setLabel(mixd ? "character (yellow: the actual one)" : null);
    }
    chart.setNotify(true);
  }

  private void showDensity(MixtureSlice s) {
    JFreeChart chart = densityViewer.getChart();
    XYPlot plot = chart.getXYPlot();
    chart.setNotify(false);
    plot.clearDomainMarkers();
    XYSeriesCollection data = new XYSeriesCollection();
    XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, false);
    if (s != null) {
      double[] grid = s.curves().grid();
      XYSeries sum = new XYSeries("mixture", false, true);
      for (int g = 0; g < grid.length; g++) {
        sum.add(grid[g], s.curves().density()[g]);
      }
      data.addSeries(sum);
      renderer.setSeriesPaint(0, INK);
      renderer.setSeriesStroke(0, new BasicStroke(2.5f));
      int[] order = s.mixture().byWeight();
      for (int r = 0; r < order.length; r++) {
        int k = order[r];
        XYSeries comp = new XYSeries(MixtureViewModel.label(s, k), false, true);
        for (int g = 0; g < grid.length; g++) {
          comp.add(grid[g], s.curves().components()[k][g]);
        }
        data.addSeries(comp);
        int idx = data.getSeriesCount() - 1;
        renderer.setSeriesPaint(idx, awt(BitsPalette.scale(order.length == 1 ? 0.3 : 0.85 * r / (order.length - 1))));
        renderer.setSeriesStroke(idx, new BasicStroke(s.isActual(k) ? 2f : 1f));
      }
      ValueMarker x = marker(s.x(), String.format("x = %.3f", s.x()));
      plot.addDomainMarker(x);
      chart.getLegend().setVisible(s.mixture().components() <= 6);
    }
    plot.setRenderer(renderer);
    plot.setDataset(data);
    chart.setNotify(true);
  }

  private void showCdf(MixtureSlice s) {
    JFreeChart chart = cdfViewer.getChart();
    XYPlot plot = chart.getXYPlot();
    chart.setNotify(false);
    plot.clearDomainMarkers();
    plot.clearRangeMarkers();
    XYSeriesCollection data = new XYSeriesCollection();
    XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, false);
    if (s != null) {
      XYSeries f = new XYSeries("F", false, true);
      for (int g = 0; g < s.curves().grid().length; g++) {
        f.add(s.curves().grid()[g], s.curves().cdf()[g]);
      }
      data.addSeries(f);
      XYSeries point = new XYSeries("(x, F(x))", false, true);
      point.add(s.x(), s.cdf());
      data.addSeries(point);
      renderer.setSeriesPaint(0, INK);
      renderer.setSeriesStroke(0, new BasicStroke(2f));
      renderer.setSeriesPaint(1, MARK);
      renderer.setSeriesLinesVisible(1, false);
      renderer.setSeriesShapesVisible(1, true);
      renderer.setSeriesShape(1, new java.awt.geom.Ellipse2D.Double(-5, -5, 10, 10));
      plot.addDomainMarker(marker(s.x(), null));
      ValueMarker level = marker(s.cdf(), String.format("F(x) = %.4f", s.cdf()));
      boolean high = s.cdf() > 0.85; // the label goes below the line near the top, above it elsewhere
      level.setLabelAnchor(high ? RectangleAnchor.BOTTOM_LEFT : RectangleAnchor.TOP_LEFT);
      level.setLabelTextAnchor(high ? TextAnchor.TOP_LEFT : TextAnchor.BOTTOM_LEFT);
      plot.addRangeMarker(level);
      plot.getRangeAxis().setRange(-0.02, 1.02);
    }
    plot.setRenderer(renderer);
    plot.setDataset(data);
    chart.setNotify(true);
  }

  private static ValueMarker marker(double at, String label) {
    ValueMarker m = new ValueMarker(at, MARK, new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f,
        new float[] {5f, 4f}, 0f));
    if (label != null) {
      m.setLabel(label);
      m.setLabelFont(new Font("SansSerif", Font.PLAIN, 11));
      m.setLabelPaint(MARK);
      m.setLabelAnchor(RectangleAnchor.TOP_RIGHT);
      m.setLabelTextAnchor(TextAnchor.TOP_LEFT);
    }
    return m;
  }

  private static Color awt(javafx.scene.paint.Color c) {
    return new Color((float) c.getRed(), (float) c.getGreen(), (float) c.getBlue());
  }

  @Override
  public String caption() {
    return vm.captionProperty().get();
  }

  @Override
  public String exportName() {
    return "mixture";
  }

  @Override
  public String csv() {
    CouplingSlice slice = vm.sliceProperty().get();
    StringBuilder sb = new StringBuilder();
    if (slice instanceof AffineSlice a) {
      sb.append("layer,position,channel,x,shift,log_scale,scale,h\n");
      sb.append(a.layer()).append(',').append(a.position()).append(',').append(a.channel()).append(',').append(a.x())
          .append(',').append(a.shift()).append(',').append(a.logScale()).append(',').append(a.scale()).append(',')
          .append(a.h()).append('\n');
    } else if (slice instanceof MixtureSlice s) {
      sb.append("layer,position,channel,x,F(x),h,component,label,weight,mean,scale\n");
      for (int k = 0; k < s.mixture().components(); k++) {
        sb.append(s.layer()).append(',').append(s.position()).append(',').append(s.channel()).append(',')
            .append(s.x()).append(',').append(s.cdf()).append(',').append(s.h()).append(',').append(k).append(",\"")
            .append(s.labels().get(k)).append("\",").append(s.mixture().weights()[k]).append(',')
            .append(s.mixture().means()[k]).append(',').append(s.mixture().scales()[k]).append('\n');
      }
    }
    return sb.toString();
  }
}
