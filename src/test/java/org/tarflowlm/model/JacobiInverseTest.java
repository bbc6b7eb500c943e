package org.tarflowlm.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tarflowlm.model.ModelFixtures.host;
import static org.tarflowlm.model.ModelFixtures.invert;
import static org.tarflowlm.model.ModelFixtures.maxAbsDiff;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Jacobi sweeps end at the sequential inverse, for every coupling, P and direction (float64, perturbed weights). */
class JacobiInverseTest {
  private static final int N = 8;
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

  private record Layer(FlowLayer layer, double[][] x, double[][] h) {}

  private static Layer layer(CouplingType coupling, Direction direction, int patch, LayerInput input, NDManager m) {
    TarFlowLM model = new TarFlowLM(ModelFixtures.oneLayer(coupling, direction, patch, N * patch, input), m,
        DataType.FLOAT64);
    ModelFixtures.perturb(model.params(), 0.1, 700 + patch);
    FlowLayer layer = model.layers().get(0);
    NDArray x = ModelFixtures.layerInput(model, coupling, m, 1, 9);
    return new Layer(layer, host(x)[0], host(layer.forward(x).h())[0]);
  }

  @ParameterizedTest(name = "{0} {1} P={2} {3}")
  @MethodSource("everyLayer")
  void sweepsEndAtTheSequentialInverse(CouplingType coupling, Direction direction, int patch, LayerInput input) {
    try (NDManager m = manager.newSubManager()) {
      Layer l = layer(coupling, direction, patch, input, m);
      double[][] sequential = invert(l.layer(), new double[][][] {l.h()}, true, m)[0];
      List<Integer> frontiers = new ArrayList<>();
      JacobiInverse.Result r = JacobiInverse.invert(l.layer(), l.h(), null, null, 0, Integer.MAX_VALUE,
          Integer.MAX_VALUE, s -> frontiers.add(s.frontier()), m);
      assertTrue(r.converged());
      assertEquals(0, r.sequentialSteps());
      assertTrue(r.sweeps() <= N, "N sweeps always suffice, took " + r.sweeps());
      for (int k = 1; k < frontiers.size(); k++) {
        assertTrue(frontiers.get(k) > frontiers.get(k - 1), "the frontier moves every sweep: " + frontiers);
      }
      assertEquals(N, frontiers.get(frontiers.size() - 1));
      assertTrue(maxAbsDiff(new double[][][] {sequential}, new double[][][] {r.x()}) < 1e-9,
          "Jacobi against the sequential inverse");
      assertTrue(maxAbsDiff(new double[][][] {l.x()}, new double[][][] {r.x()}) < 1e-6, "Jacobi against x");
    }
  }

  @ParameterizedTest(name = "window {0}")
  @ValueSource(ints = {1, 3, 8})
  void aWindowOfPositionsEndsAtTheSequentialInverseToo(int window) {
    try (NDManager m = manager.newSubManager()) {
      Layer l = layer(CouplingType.MIX1, Direction.RIGHT_TO_LEFT, 1, LayerInput.LATENT, m);
      double[][] sequential = invert(l.layer(), new double[][][] {l.h()}, true, m)[0];
      List<JacobiInverse.Sweep> sweeps = new ArrayList<>();
      JacobiInverse.Result r = JacobiInverse.invert(l.layer(), l.h(), null, null, 0, Integer.MAX_VALUE, window,
          sweeps::add, m);
      assertTrue(r.converged());
      for (JacobiInverse.Sweep s : sweeps) {
        int solved = 0;
        for (int i = 0; i < N; i++) {
          solved += java.util.Arrays.equals(s.x()[i], l.h()[i]) ? 0 : 1;
        }
        assertTrue(solved <= s.sweep() * window, "sweep " + s.sweep() + " solved " + solved + " positions");
      }
      assertTrue(maxAbsDiff(new double[][][] {sequential}, new double[][][] {r.x()}) < 1e-9);
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"LEFT_TO_RIGHT", "RIGHT_TO_LEFT"})
  void sweepsThatRunOutAreFinishedSequentially(Direction direction) {
    try (NDManager m = manager.newSubManager()) {
      Layer l = layer(CouplingType.MIX1, direction, 1, LayerInput.LATENT, m);
      List<JacobiInverse.Sweep> sweeps = new ArrayList<>();
      JacobiInverse.Result r = JacobiInverse.invert(l.layer(), l.h(), null, null, 0, 2, Integer.MAX_VALUE, sweeps::add, m);
      assertFalse(r.converged());
      assertEquals(2, r.sweeps());
      assertEquals(N - sweeps.get(1).frontier(), r.sequentialSteps());
      assertTrue(r.sequentialSteps() > 0, "two sweeps cannot settle eight perturbed positions");
      assertTrue(maxAbsDiff(new double[][][] {l.x()}, new double[][][] {r.x()}) < 1e-6);
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"LEFT_TO_RIGHT", "RIGHT_TO_LEFT"})
  void fixedPositionsKeepTheirInputs(Direction direction) {
    try (NDManager m = manager.newSubManager()) {
      Layer l = layer(CouplingType.MIX1, direction, 1, LayerInput.LATENT, m);
      boolean[] fixed = {true, false, false, true, false, true, false, false};
      double[][] given = new double[N][];
      double[][] h = l.h().clone();
      for (int i = 0; i < N; i++) {
        given[i] = fixed[i] ? l.x()[i] : null;
        if (fixed[i]) {
          h[i] = new double[h[i].length]; // must be ignored
        }
      }
      JacobiInverse.Result r = JacobiInverse.invert(l.layer(), h, fixed, given, 0, Integer.MAX_VALUE,
          Integer.MAX_VALUE, JacobiInverse.Listener.NONE, m);
      for (int i = 0; i < N; i++) {
        if (fixed[i]) {
          assertArrayEquals(l.x()[i], r.x()[i], 0.0);
        }
      }
      assertTrue(maxAbsDiff(new double[][][] {l.x()}, new double[][][] {r.x()}) < 1e-6);
    }
  }
}
