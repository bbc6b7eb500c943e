package org.tarflowlm.model;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tarflowlm.model.ModelFixtures.host;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Design page, section 7: changing position j changes no flow output at positions before j in the layer's
 * order, and (so that the test can fail) does change the outputs after it. Within a position the map is
 * triangular: channel i of h and of the log-det sees input channels up to i only.
 */
class CausalityTest {
  /** Masked attention weights underflow to exactly 0, so the outputs before j must not move at all. */
  private static final double SAME = 1e-7;
  private static final double MOVED = 1e-4;
  private static NDManager manager;

  @BeforeAll
  static void open() {
    manager = NDManager.newBaseManager();
  }

  @AfterAll
  static void close() {
    manager.close();
  }

  static Stream<Arguments> everyLayer() {
    return ModelFixtures.cases(1, 2, 4).stream().map(Arguments::of);
  }

  /** max |a - b| over the channels of position n of every batch row. */
  private static double diffAt(double[][][] a, double[][][] b, int n) {
    double max = 0;
    for (int r = 0; r < a.length; r++) {
      for (int c = 0; c < a[r][n].length; c++) {
        max = Math.max(max, Math.abs(a[r][n][c] - b[r][n][c]));
      }
    }
    return max;
  }

  @ParameterizedTest(name = "{0} {1} P={2} {3}")
  @MethodSource("everyLayer")
  void outputsDependOnlyOnEarlierPositionsInTheLayersOrder(CouplingType coupling, Direction direction, int patch, LayerInput input) {
    try (NDManager m = manager.newSubManager()) {
      TarFlowLM model = new TarFlowLM(ModelFixtures.oneLayer(coupling, direction, patch, 16, input), m);
      ModelFixtures.perturb(model.params(), 0.2, 900 + patch);
      FlowLayer layer = model.layers().get(0);
      NDArray x = ModelFixtures.layerInput(model, coupling, m, 2, 41);
      double[][][] xs = host(x);
      CouplingResult base = layer.forward(x);
      double[][][] h0 = host(base.h());
      double[][][] d0 = host(base.logDet());
      int n = xs[0].length;
      boolean ltr = direction == Direction.LEFT_TO_RIGHT;
      for (int j = 0; j < n; j++) {
        double[][][] changed = new double[xs.length][n][];
        for (int r = 0; r < xs.length; r++) {
          for (int t = 0; t < n; t++) {
            changed[r][t] = xs[r][t].clone();
          }
          for (int c = 0; c < changed[r][j].length; c++) {
            changed[r][j][c] += 0.37 * (c % 3 - 1) + 0.21; // a small, realistic move of every channel
          }
        }
        CouplingResult r = layer.forward(ModelFixtures.device(m, changed, DataType.FLOAT32));
        double[][][] h1 = host(r.h());
        double[][][] d1 = host(r.logDet());
        for (int t = 0; t < n; t++) {
          boolean before = ltr ? t < j : t > j;
          boolean after = ltr ? t > j : t < j;
          double dh = diffAt(h0, h1, t);
          double dd = diffAt(d0, d1, t);
          String where = coupling + " " + direction + " P=" + patch + ": changing position " + j + " moved position " + t;
          if (before) {
            assertTrue(dh <= SAME && dd <= SAME, where + " (h by " + dh + ", logDet by " + dd + ")");
          } else if (after) {
            assertTrue(dh > MOVED, where + " by only " + dh + ": the context does not reach later positions");
          } else {
            assertTrue(dh > MOVED, where + " (itself) by only " + dh);
          }
        }
      }
    }
  }

  @ParameterizedTest(name = "{0} {1} P={2} {3}")
  @MethodSource("everyLayer")
  void withinAPositionChannelsDependOnlyOnEarlierChannels(CouplingType coupling, Direction direction, int patch, LayerInput input) {
    try (NDManager m = manager.newSubManager()) {
      TarFlowLM model = new TarFlowLM(ModelFixtures.oneLayer(coupling, direction, patch, 8, input), m);
      ModelFixtures.perturb(model.params(), 0.2, 950 + patch);
      FlowLayer layer = model.layers().get(0);
      NDArray x = ModelFixtures.layerInput(model, coupling, m, 1, 42);
      double[][][] xs = host(x);
      CouplingResult base = layer.forward(x);
      double[][][] h0 = host(base.h());
      double[][][] d0 = host(base.logDet());
      int n = xs[0].length;
      int c = xs[0][0].length;
      int j = n / 2;
      for (int i = 0; i < c; i++) {
        double[][][] changed = new double[1][n][];
        for (int t = 0; t < n; t++) {
          changed[0][t] = xs[0][t].clone();
        }
        changed[0][j][i] += 0.3;
        CouplingResult r = layer.forward(ModelFixtures.device(m, changed, DataType.FLOAT32));
        double[][][] h1 = host(r.h());
        double[][][] d1 = host(r.logDet());
        for (int k = 0; k < i; k++) {
          double dh = Math.abs(h1[0][j][k] - h0[0][j][k]);
          double dd = Math.abs(d1[0][j][k] - d0[0][j][k]);
          String where = coupling + " " + direction + " P=" + patch + ": input channel " + i + " moved output channel " + k;
          assertTrue(dh <= SAME && dd <= SAME, where + " (h by " + dh + ", logDet by " + dd + ")");
        }
        double own = Math.abs(h1[0][j][i] - h0[0][j][i]);
        assertTrue(own > MOVED, "output channel " + i + " does not depend on its own input: " + own);
      }
    }
  }

  /**
   * The transformer alone, past its first block of queries (forward() attends block by block):
   * context t reads inputs before t only, so changing input j leaves contexts 0..j as they were and
   * moves j + 1 and the last one.
   */
  @ParameterizedTest(name = "input {0} of 150")
  @ValueSource(ints = {0, 63, 64, 100, 148})
  void contextsReadOnlyEarlierInputsAcrossQueryBlocks(int j) {
    try (NDManager m = manager.newSubManager()) {
      int n = 150;
      Params params = new Params(m, 4, DataType.FLOAT32);
      CausalTransformer body = new CausalTransformer(params, "b.", 5, n, 2, 16, 4);
      ModelFixtures.perturb(params, 0.2, 6);
      double[][][] xs = host(ModelFixtures.gaussian(m, new Shape(1, n, 5), DataType.FLOAT32, 10));
      double[][][] h0 = host(body.forward(ModelFixtures.device(m, xs, DataType.FLOAT32)));
      for (int c = 0; c < 5; c++) {
        xs[0][j][c] += 0.5;
      }
      double[][][] h1 = host(body.forward(ModelFixtures.device(m, xs, DataType.FLOAT32)));
      for (int t = 0; t <= j; t++) {
        double d = diffAt(h0, h1, t);
        int slot = t;
        assertTrue(d <= SAME, () -> "changing input " + j + " moved context " + slot + " by " + d);
      }
      for (int t : new int[] {j + 1, n - 1}) {
        double d = diffAt(h0, h1, t);
        assertTrue(d > MOVED, () -> "changing input " + j + " moved context " + t + " by only " + d);
      }
    }
  }
}
