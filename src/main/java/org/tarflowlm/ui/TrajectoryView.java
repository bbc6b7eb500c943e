package org.tarflowlm.ui;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.util.List;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.CheckBox;
import javafx.scene.control.Label;
import javafx.scene.control.Spinner;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.cell.PropertyValueFactory;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.VBox;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.annotations.XYTextAnnotation;
import org.jfree.chart.fx.ChartViewer;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.tarflowlm.model.Vocabulary;
import org.tarflowlm.runtime.ForwardTrace;
import org.tarflowlm.runtime.LatentGeometry;

/**
 * Latent trajectories: a PCA plane in which every character position is a path from its latent
 * in z to its latent in the layer shown; the codebook means are labelled points; the selected
 * position's path is drawn strong. Beside it, the coarse-to-fine measures per layer.
 */
final class TrajectoryView extends BorderPane implements Exportable {
  private final TrajectoryViewModel vm;
  private final ChartViewer viewer;
  private final TableView<Row> table = new TableView<>();
  private final Label explained = new Label();

  /** One row of the measures table. */
  public record Row(String state, String meanNorm, String meanCosine, String participation, String movement) {
    public String getState() {
      return state;
    }

    public String getMeanNorm() {
      return meanNorm;
    }

    public String getMeanCosine() {
      return meanCosine;
    }

    public String getParticipation() {
      return participation;
    }

    public String getMovement() {
      return movement;
    }
  }

  /** A path's point at each state: one shape for every path (JFreeChart would cycle through shapes by series). */
  private static final java.awt.Shape POINT = new java.awt.geom.Ellipse2D.Double(-3, -3, 6, 6);
  /** A codebook mean. */
  private static final java.awt.Shape CODEBOOK = new java.awt.Polygon(new int[] {0, 5, 0, -5}, new int[] {-5, 0, 5, 0}, 4);

  /** Paths drawn (the series before the codebook's). */
  private int paths;

  TrajectoryView(TrajectoryViewModel vm) {
    this.vm = vm;
    getStyleClass().add("trajectory-view");
    JFreeChart chart = ChartFactory.createXYLineChart(null, "PC 1", "PC 2", new XYSeriesCollection(),
        PlotOrientation.VERTICAL, false, true, false);
    chart.setBackgroundPaint(Color.WHITE);
    chart.getXYPlot().setBackgroundPaint(Color.WHITE);
    viewer = new ChartViewer(chart);
    MainView.selectionSurface(viewer);
    Spinner<Integer> position = new Spinner<>(-1, 4096, -1);
    position.setId("trajectory-position");
    position.setEditable(true);
    position.setPrefWidth(90);
    position.valueProperty().addListener((o, a, b) -> vm.selectedProperty().set(b));
    NumberFields.Check positionCheck = NumberFields.guard(position, "position", vm.selectedProperty()::set);
    vm.selectedProperty().addListener((o, a, b) -> position.getValueFactory().setValue(b.intValue()));
    CheckBox codebook = new CheckBox("fit on the codebook too");
    codebook.selectedProperty().bindBidirectional(vm.withCodebookProperty());
    Label hint = new Label("Draws the Flow layers trace: trace a text there, or generate one; step layers there. "
        + "Click a path to select its position in every view.");
    hint.getStyleClass().add("note");
    hint.setWrapText(true);
    javafx.scene.layout.FlowPane controls = new javafx.scene.layout.FlowPane(10, 6, new Label("Highlight position"),
        position, positionCheck.problem(), codebook, explained);
    controls.setAlignment(Pos.CENTER_LEFT);
    Label caption = new Label();
    caption.setId("trajectory-caption");
    caption.getStyleClass().add("caption");
    caption.textProperty().bind(vm.captionProperty());
    VBox top = new VBox(6, caption, controls, hint);
    top.setPadding(new Insets(10));
    setTop(top);
    // Clicking a path selects its position in every view; clicking it again clears the selection.
    viewer.addChartMouseListener(new org.jfree.chart.fx.interaction.ChartMouseListenerFX() {
      @Override
      public void chartMouseClicked(org.jfree.chart.fx.interaction.ChartMouseEventFX e) {
        if (e.getEntity() instanceof org.jfree.chart.entity.XYItemEntity item && item.getSeriesIndex() < paths) {
          vm.selectedProperty().set(vm.selectedProperty().get() == item.getSeriesIndex() ? -1 : item.getSeriesIndex());
        }
      }

      @Override
      public void chartMouseMoved(org.jfree.chart.fx.interaction.ChartMouseEventFX e) {}
    });
    Label shapes = new Label("\u25cf a position's latent at each state, z first, the line joining them   "
        + "\u25c6 (yellow) a codebook mean, with its character   letter at a path's end: the position's character");
    shapes.getStyleClass().add("note");
    shapes.setWrapText(true);
    setCenter(new VBox(4, viewer, Legend.scale("first", "last", "position in the text (a path's colour)"), shapes));
    VBox.setVgrow(viewer, javafx.scene.layout.Priority.ALWAYS);
    table.setId("measures");
    table.getColumns().addAll(List.of(
        column("state", "the layer's output, from z (the text side) to u (the noise)", "state", 170),
        column("mean\nnorm", "mean length of a position's latent vector", "meanNorm", 70),
        column("mean\ncosine", "mean cosine similarity between the positions' latents: near 1, they point alike",
            "meanCosine", 70),
        column("participation\nratio", "how many directions the latents spread over (effective dimensions)",
            "participation", 100),
        column("centroid\nmovement", "how far the mean latent moved from the state before", "movement", 90)));
    table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY);
    Label title = new Label("Coarse-to-fine measures per layer");
    title.getStyleClass().add("row-title");
    VBox side = new VBox(6, title, table);
    side.setPadding(new Insets(10));
    side.setPrefWidth(520);
    setRight(side);
    vm.fitProperty().addListener((o, a, f) -> redraw());
    vm.selectedProperty().addListener((o, a, b) -> redraw());
    vm.layerProperty().addListener((o, a, b) -> redraw());
  }

  @Override
  public String caption() {
    return vm.captionProperty().get();
  }

  @Override
  public String exportName() {
    return "trajectories";
  }

  @Override
  public String csv() {
    TrajectoryViewModel.Fit fit = vm.fitProperty().get();
    if (fit == null) {
      return "";
    }
    LatentGeometry g = fit.geometry();
    StringBuilder sb = new StringBuilder("state,position,pc1,pc2,state_mean_norm,state_mean_cosine,state_participation,state_centroid_movement\n");
    for (int s = 0; s < g.paths().length; s++) {
      LatentGeometry.Measures m = g.measures().get(s);
      for (int p = 0; p < g.paths()[s].length; p++) {
        sb.append(s).append(',').append(p).append(',').append(g.paths()[s][p][0]).append(',').append(g.paths()[s][p][1])
            .append(',').append(m.meanNorm()).append(',').append(m.meanCosine()).append(',').append(m.participationRatio())
            .append(',').append(m.centroidMovement()).append('\n');
      }
    }
    return sb.toString();
  }

  private static TableColumn<Row, String> column(String title, String meaning, String property, double width) {
    TableColumn<Row, String> c = new TableColumn<>();
    Label head = new Label(title);
    head.setTooltip(new javafx.scene.control.Tooltip(meaning));
    c.setGraphic(head);
    c.setCellValueFactory(new PropertyValueFactory<>(property));
    c.setPrefWidth(width);
    return c;
  }

  private void redraw() {
    XYPlot plot = viewer.getChart().getXYPlot();
    // Every change below would repaint at once, the new renderer over the old dataset: its tooltips
    // then indexed the old run with the new run's lengths and threw, leaving the chart half drawn.
    plot.setNotify(false);
    try {
      draw(plot, vm.fitProperty().get());
    } finally {
      plot.setNotify(true);
    }
  }

  private void draw(XYPlot plot, TrajectoryViewModel.Fit fit) {
    plot.clearAnnotations();
    XYSeriesCollection data = new XYSeriesCollection();
    table.getItems().clear();
    if (fit == null) {
      explained.setText("");
      paths = 0;
      plot.setDataset(data);
      return;
    }
    LatentGeometry g = fit.geometry();
    ForwardTrace t = fit.trace();
    explained.setText(String.format("the plane keeps %.0f%% of the variance", 100 * g.explained()));
    int upTo = Math.min(vm.layerProperty().get(), g.paths().length - 1);
    int selected = vm.selectedProperty().get();
    int chars = g.paths()[0].length;
    paths = chars;
    XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
    renderer.setDefaultToolTipGenerator((dataset, series, item) -> series < chars
        ? String.format("position %d '%s', %s: (%.3f, %.3f)", series, visible(t.scored().charAt(series)),
            t.states().get(item).label(), dataset.getXValue(series, item), dataset.getYValue(series, item))
        : String.format("codebook mean of '%s'", visible(Vocabulary.symbol(item))));
    for (int p = 0; p < chars; p++) {
      XYSeries s = new XYSeries("position " + p, false);
      for (int l = 0; l <= upTo; l++) {
        s.add(g.paths()[l][p][0], g.paths()[l][p][1]);
      }
      data.addSeries(s);
      int idx = data.getSeriesCount() - 1;
      boolean on = p == selected;
      java.awt.Color c = awt(BitsPalette.scale(chars == 1 ? 0.5 : p / (double) (chars - 1)));
      renderer.setSeriesPaint(idx, selected < 0 || on ? c : new Color(200, 200, 205));
      renderer.setSeriesStroke(idx, new BasicStroke(on ? 3f : 1f));
      renderer.setSeriesShapesVisible(idx, true);
      renderer.setSeriesShape(idx, POINT);
      double[] end = g.paths()[upTo][p];
      if (selected < 0 || on) {
        XYTextAnnotation label = new XYTextAnnotation(String.valueOf(t.scored().charAt(p)), end[0], end[1]);
        label.setFont(new Font("SansSerif", on ? Font.BOLD : Font.PLAIN, on ? 14 : 10));
        plot.addAnnotation(label);
      }
    }
    if (g.codebook() != null) {
      XYSeries cb = new XYSeries("codebook", false);
      for (int k = 0; k < g.codebook().length; k++) {
        cb.add(g.codebook()[k][0], g.codebook()[k][1]);
        char ch = Vocabulary.symbol(k);
        XYTextAnnotation a = new XYTextAnnotation(ch == ' ' ? "\u2423" : String.valueOf(ch), g.codebook()[k][0], g.codebook()[k][1]);
        a.setFont(new Font("SansSerif", Font.BOLD, 12));
        a.setPaint(new Color(0x44, 0x01, 0x54));
        plot.addAnnotation(a);
      }
      data.addSeries(cb);
      int idx = data.getSeriesCount() - 1;
      renderer.setSeriesLinesVisible(idx, false);
      renderer.setSeriesShape(idx, CODEBOOK);
      renderer.setSeriesPaint(idx, new Color(0xfd, 0xe7, 0x25));
    }
    plot.setRenderer(renderer);
    plot.setDataset(data);
    for (int l = 0; l < g.measures().size(); l++) {
      LatentGeometry.Measures m = g.measures().get(l);
      table.getItems().add(new Row(t.states().get(l).label(), String.format("%.3f", m.meanNorm()),
          String.format("%.3f", m.meanCosine()), String.format("%.2f", m.participationRatio()),
          l == 0 ? "-" : String.format("%.3f", m.centroidMovement())));
    }
    table.getSelectionModel().select(upTo);
  }

  private static String visible(char c) {
    return c == ' ' ? "\u2423" : String.valueOf(c);
  }

  private static Color awt(javafx.scene.paint.Color c) {
    return new Color((float) c.getRed(), (float) c.getGreen(), (float) c.getBlue());
  }
}
