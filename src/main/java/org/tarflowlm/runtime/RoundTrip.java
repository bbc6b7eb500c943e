package org.tarflowlm.runtime;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import org.tarflowlm.model.FlowForward;
import org.tarflowlm.model.FlowLayer;
import org.tarflowlm.model.Nd;
import org.tarflowlm.model.TarFlowLM;

/**
 * How well every layer inverts on one text: run z forward, invert each layer's output h with the
 * sampling pass (position by position, cached), and compare. A large forward error |x' - x| with
 * a tiny backward error |f(x') - h| means the map itself is ill-conditioned there (a nearly flat
 * mixture CDF: |dx/dh| is large), not that the inverse is wrong; the two are reported side by side
 * so that a reader can tell which.
 *
 * @param layers one entry per layer, first layer first
 */
public record RoundTrip(List<Layer> layers) {
  /**
   * One layer, per flow position (sequence order); every value is the largest over the position's channels.
   *
   * @param forwardError |inverse(h) - x|
   * @param backwardError |forward(inverse(h)) - h|
   * @param sensitivity |dx/dh| at x, exp(-log|dh/dx|): how much an error in h moves x on this position
   */
  public record Layer(double[] forwardError, double[] backwardError, double[] sensitivity) {
    /** The layer's round-trip error, max over positions of |inverse(h) - x|. */
    public double maxForwardError() {
      return max(forwardError);
    }

    public double maxBackwardError() {
      return max(backwardError);
    }

    private static double max(double[] values) {
      double m = 0;
      for (double v : values) {
        m = Math.max(m, v);
      }
      return m;
    }
  }

  /** The per-layer round-trip errors, max |inverse(h) - x| per layer. */
  public double[] maxForwardErrors() {
    return layers.stream().mapToDouble(Layer::maxForwardError).toArray();
  }

  /** Measures the round trip of a trace's z ([T][d] in token order) through every layer of {@code flow}. */
  static RoundTrip of(TarFlowLM flow, float[][] z, NDManager manager) {
    int d = z[0].length;
    float[] flat = new float[z.length * d];
    for (int t = 0; t < z.length; t++) {
      System.arraycopy(z[t], 0, flat, t * d, d);
    }
    List<Layer> layers = new ArrayList<>();
    try (NDManager scope = manager.newSubManager()) {
      NDArray zt = scope.create(flat, new Shape(1, z.length, d)).toType(flow.params().dtype(), false);
      FlowForward f = flow.forward(zt);
      for (int l = 0; l < flow.layers().size(); l++) {
        FlowLayer layer = flow.layers().get(l);
        double[][] x = Host.doubleRows(f.inputs().get(l)); // [N][c]
        double[][] h = Host.doubleRows(f.layers().get(l).h());
        double[][] logDet = Host.doubleRows(f.layers().get(l).logDet());
        double[][] back = OneThread.run(() -> layer.inverse(new double[][][] {h}, true, scope))[0]; // as sampling does
        double[][] again = Host.doubleRows(layer.forward(Nd.fromHost(scope, flatten(back),
            new Shape(1, back.length, back[0].length), flow.params().dtype())).h());
        int n = x.length;
        double[] forward = new double[n];
        double[] backward = new double[n];
        double[] sensitivity = new double[n];
        for (int i = 0; i < n; i++) {
          for (int j = 0; j < x[i].length; j++) {
            forward[i] = Math.max(forward[i], Math.abs(back[i][j] - x[i][j]));
            backward[i] = Math.max(backward[i], Math.abs(again[i][j] - h[i][j]));
            sensitivity[i] = Math.max(sensitivity[i], Math.exp(-logDet[i][j])); // |dx/dh| = 1 / |dh/dx|
          }
        }
        layers.add(new Layer(forward, backward, sensitivity));
      }
    }
    return new RoundTrip(List.copyOf(layers));
  }

  private static double[] flatten(double[][] rows) {
    int c = rows[0].length;
    double[] out = new double[rows.length * c];
    for (int i = 0; i < rows.length; i++) {
      System.arraycopy(rows[i], 0, out, i * c, c);
    }
    return out;
  }
}
