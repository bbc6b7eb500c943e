package org.tarflowlm.ui;

import java.awt.Color;
import java.awt.Font;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.fx.ChartViewer;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.data.category.CategoryDataset;

/** Bar charts in the explorer's look: white plot, palette colour, no gradients. */
final class Charts {
  private Charts() {}

  static ChartViewer bars(String title, String categoryAxis, String valueAxis, CategoryDataset data, boolean horizontal) {
    return bars(title, categoryAxis, valueAxis, data, horizontal, false);
  }

  /** A bar chart; with a legend when its series need telling apart. */
  static ChartViewer bars(String title, String categoryAxis, String valueAxis, CategoryDataset data, boolean horizontal,
      boolean legend) {
    JFreeChart chart = ChartFactory.createBarChart(title, categoryAxis, valueAxis, data,
        horizontal ? PlotOrientation.HORIZONTAL : PlotOrientation.VERTICAL, legend, true, false);
    chart.getTitle().setFont(new Font("SansSerif", Font.BOLD, 13));
    chart.setBackgroundPaint(Color.WHITE);
    CategoryPlot plot = chart.getCategoryPlot();
    plot.setBackgroundPaint(Color.WHITE);
    plot.setRangeGridlinePaint(new Color(0xd0d3dc));
    BarRenderer renderer = (BarRenderer) plot.getRenderer();
    renderer.setBarPainter(new StandardBarPainter());
    renderer.setShadowVisible(false);
    renderer.setSeriesPaint(0, new Color(0x31688e));
    renderer.setSeriesPaint(1, new Color(0xb5de2b));
    return new ChartViewer(chart);
  }

  /** Writes each bar's value at its end, with one decimal. */
  static void valuesOnBars(ChartViewer viewer) {
    BarRenderer r = (BarRenderer) viewer.getChart().getCategoryPlot().getRenderer();
    r.setDefaultItemLabelGenerator(new org.jfree.chart.labels.StandardCategoryItemLabelGenerator("{2}",
        new java.text.DecimalFormat("0.0")));
    r.setDefaultItemLabelFont(new Font("SansSerif", Font.PLAIN, 11));
    r.setDefaultItemLabelsVisible(true);
    // Room for the labels beyond the longest bars, on the negative side too.
    viewer.getChart().getCategoryPlot().getRangeAxis().setUpperMargin(0.5);
    viewer.getChart().getCategoryPlot().getRangeAxis().setLowerMargin(0.5);
  }
}
