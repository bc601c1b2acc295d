package io.camkit.render;

import java.awt.image.BufferedImage;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** The learning curves (loss and accuracy per epoch, training and validation) as one chart. */
public final class TrainingCurves {
  private TrainingCurves() {}

  /** One epoch's figures. */
  public record Point(int epoch, double trainLoss, double valLoss, double trainAccuracy, double valAccuracy) {}

  public static BufferedImage render(List<Point> points) {
    if (points.isEmpty()) {
      throw new IllegalArgumentException("no epoch to plot");
    }
    XYChart chart =
        new XYChartBuilder().width(800).height(420).title("Training curves").xAxisTitle("epoch").yAxisTitle("value").build();
    chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.OutsideE);
    chart.getStyler().setYAxisMin(0.0);
    double[] x = points.stream().mapToDouble(Point::epoch).toArray();
    add(chart, "train loss", x, points.stream().mapToDouble(Point::trainLoss).toArray());
    add(chart, "val loss", x, points.stream().mapToDouble(Point::valLoss).toArray());
    add(chart, "train accuracy", x, points.stream().mapToDouble(Point::trainAccuracy).toArray());
    add(chart, "val accuracy", x, points.stream().mapToDouble(Point::valAccuracy).toArray());
    return BitmapEncoder.getBufferedImage(chart);
  }

  private static void add(XYChart chart, String name, double[] x, double[] y) {
    for (int i = 0; i < y.length; i++) {
      if (!Double.isFinite(y[i])) {
        y[i] = 0; // no validation split: plot the curve at zero rather than fail
      }
    }
    chart.addSeries(name, x, y).setMarker(SeriesMarkers.CIRCLE);
  }
}
