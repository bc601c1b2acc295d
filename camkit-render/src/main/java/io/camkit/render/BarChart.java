package io.camkit.render;

import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;

/** Grouped bars: one group per category, one bar per series (e.g. accuracy per model and test set). */
public final class BarChart {
  private BarChart() {}

  public static BufferedImage render(String title, String yTitle, List<String> categories, Map<String, List<Double>> series) {
    CategoryChart chart =
        new CategoryChartBuilder().width(800).height(420).title(title).yAxisTitle(yTitle).build();
    chart.getStyler().setYAxisMin(0.0);
    chart.getStyler().setYAxisMax(1.0);
    series.forEach((name, values) -> chart.addSeries(name, categories, values));
    return BitmapEncoder.getBufferedImage(chart);
  }
}
