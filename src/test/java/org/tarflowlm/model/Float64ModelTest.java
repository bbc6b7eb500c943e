package org.tarflowlm.model;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tarflowlm.model.ModelFixtures.host;
import static org.tarflowlm.model.ModelFixtures.maxAbsDiff;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A model built in float64 (what the finite-difference tests use) must behave like the float32 one: its
 * parameters outlive the scopes its activations live in, and its layers invert.
 */
class Float64ModelTest {

  /** Runs a forward pass in a short-lived scope, closes it, and checks that every parameter is still alive. */
  @ParameterizedTest(name = "{0}")
  @EnumSource(value = DataType.class, names = {"FLOAT32", "FLOAT64"})
  void forwardInAClosedScopeLeavesTheParametersAlive(DataType type) {
    for (CouplingType coupling : CouplingType.values()) {
      try (NDManager m = NDManager.newBaseManager()) {
        TarFlowLM model = new TarFlowLM(ModelFixtures.oneLayer(coupling, Direction.LEFT_TO_RIGHT, 1, 4), m, type);
        try (NDManager scope = m.newSubManager()) {
          NDArray z = ModelFixtures.codebookPositions(model, scope, 1, 1).reshape(1, 4, ModelFixtures.D);
          model.forward(z);
          model.logProb(z);
        }
        for (Map.Entry<String, NDArray> e : model.params().all().entrySet()) {
          assertDoesNotThrow(() -> e.getValue().toType(DataType.FLOAT64, false).toDoubleArray(),
              () -> type + " " + coupling + ": parameter " + e.getKey() + " was released with the activation scope");
        }
      }
    }
  }

  /**
   * The trainer's joint stage with a float64 config: one short-lived scope per step. Each step must leave the
   * model usable for the next, and the ELBO must send a gradient to every parameter.
   */
  @Test
  void float64StackTrainsStepAfterStep() {
    try (NDManager m = NDManager.newBaseManager()) {
      TarFlowLM model = new TarFlowLM(ModelFixtures.stack(2, 8), m, DataType.FLOAT64);
      ModelFixtures.perturb(model.params(), 0.1, 33);
      model.params().setTrainable("", true);
      for (int step = 0; step < 2; step++) {
        try (NDManager scope = m.newSubManager();
            GradientCollector gc = Engine.getInstance().newGradientCollector()) {
          NDArray ids = ModelFixtures.ids(scope, 2, 8, step);
          NDArray eps = ModelFixtures.gaussian(scope, new Shape(2, 8, 5), DataType.FLOAT64, step);
          NDArray loss = model.elbo(ids, eps).mean().neg();
          gc.backward(loss);
          for (Map.Entry<String, NDArray> e : model.params().all().entrySet()) {
            double g = e.getValue().getGradient().abs().sum().toType(DataType.FLOAT64, false).getDouble();
            assertTrue(g > 0, "step " + step + ": no gradient reaches " + e.getKey());
          }
        }
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(CouplingType.class)
  void float64LayerInvertsWithoutFloat32Rounding(CouplingType coupling) {
    try (NDManager m = NDManager.newBaseManager()) {
      TarFlowLM model = new TarFlowLM(ModelFixtures.oneLayer(coupling, Direction.RIGHT_TO_LEFT, 2, 8), m,
          DataType.FLOAT64);
      ModelFixtures.perturb(model.params(), 0.1, 31);
      FlowLayer layer = model.layers().get(0);
      NDArray x = ModelFixtures.layerInput(model, coupling, m, 2, 32);
      double[][][] back = ModelFixtures.invert(layer, host(layer.forward(x).h()), true, m);
      double err = maxAbsDiff(host(x), back);
      // 1.4e-10 at most (the mixture maps' bisection); 1.6e-8 to 2.9e-8 when the pass rounded its inputs to float32
      assertTrue(err < 1e-9, () -> coupling + ": max |x - inverse(h)| = " + err);
    }
  }

  /**
   * Joint training runs a float32 stack whose couplings compute in float64: the gradient of every
   * parameter must be the float64 model's, which takes the later layers' terms back through the
   * float64 -> float32 casts between the layers.
   */
  @Test
  void float32StackGetsTheFloat64Gradients() {
    try (NDManager m = NDManager.newBaseManager()) {
      Map<String, double[]> g32 = elboGradients(m, DataType.FLOAT32);
      Map<String, double[]> g64 = elboGradients(m, DataType.FLOAT64);
      for (String name : g64.keySet()) {
        double scale = 0;
        double err = 0;
        for (int i = 0; i < g64.get(name).length; i++) {
          scale = Math.max(scale, Math.abs(g64.get(name)[i]));
          err = Math.max(err, Math.abs(g64.get(name)[i] - g32.get(name)[i]));
        }
        double rel = err / scale;
        assertTrue(scale > 0 && rel < 1e-3, () -> name + ": float32 gradient off by " + rel + " of its largest entry");
      }
    }
  }

  private static Map<String, double[]> elboGradients(NDManager m, DataType type) {
    TarFlowLM model = new TarFlowLM(ModelFixtures.stack(1, 8), m, type);
    ModelFixtures.perturb(model.params(), 0.3, 34);
    model.params().setTrainable("", true);
    try (NDManager scope = m.newSubManager();
        GradientCollector gc = Engine.getInstance().newGradientCollector()) {
      NDArray ids = ModelFixtures.ids(scope, 2, 8, 5);
      NDArray eps = ModelFixtures.gaussian(scope, new Shape(2, 8, 5), type, 6);
      gc.backward(model.elbo(ids, eps).mean().neg());
      Map<String, double[]> out = new TreeMap<>();
      model.params().all().forEach((name, p) ->
          out.put(name, p.getGradient().toType(DataType.FLOAT64, false).toDoubleArray()));
      return out;
    }
  }
}
