package org.tarflowlm.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tarflowlm.model.ModelFixtures.doubles;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Design page, section 7: a layer's log|det J| equals the log-determinant of its finite-difference Jacobian
 * (float64, central differences) to 1e-3, over all positions and channels; and the densities a layer and the
 * model report are the change-of-variables sums of those log-dets.
 */
class LogDetTest {
  private static final double STEP = 1e-5;
  /** The design page asks for 1e-3; float64 central differences agree to about 1e-9, so hold them to 1e-6. */
  private static final double TOL = 1e-6;
  private static final double NOISE = 0.2;
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

  /** Two or three flow positions whatever P is. */
  private static int seqLen(int patch) {
    return patch == 4 ? 8 : 3 * patch;
  }

  /** Central-difference Jacobian of f at x: J[i][j] = dF_i/dx_j. */
  private static double[][] jacobian(UnaryOperator<double[]> f, double[] x) {
    int n = x.length;
    int out = f.apply(x).length;
    double[][] jac = new double[out][n];
    for (int j = 0; j < n; j++) {
      double[] plus = x.clone();
      double[] minus = x.clone();
      plus[j] += STEP;
      minus[j] -= STEP;
      double[] fp = f.apply(plus);
      double[] fm = f.apply(minus);
      for (int i = 0; i < out; i++) {
        jac[i][j] = (fp[i] - fm[i]) / (2 * STEP);
      }
    }
    return jac;
  }

  private static double sum(double[] a) {
    double s = 0;
    for (double v : a) {
      s += v;
    }
    return s;
  }

  @ParameterizedTest(name = "{0} {1} P={2} {3}")
  @MethodSource("everyLayer")
  void layerLogDetIsTheLogDetOfItsJacobian(CouplingType coupling, Direction direction, int patch, LayerInput input) {
    try (NDManager m = manager.newSubManager()) {
      TarFlowLM model = new TarFlowLM(ModelFixtures.oneLayer(coupling, direction, patch, seqLen(patch), input), m,
          DataType.FLOAT64);
      ModelFixtures.perturb(model.params(), NOISE, 500 + patch);
      FlowLayer layer = model.layers().get(0);
      NDArray x = ModelFixtures.layerInput(model, coupling, m, 1, 21);
      Shape shape = x.getShape();
      CouplingResult r = layer.forward(x);
      double reported = sum(doubles(r.logDet()));
      // every evaluation stays on m: a float64 mixd forward attaches the codebook to its scope (see Float64ModelTest)
      double numeric = ModelFixtures.logAbsDet(jacobian(
          v -> doubles(layer.forward(m.create(v, shape)).h()), doubles(x)));
      assertEquals(numeric, reported, TOL, coupling + " " + direction + " P=" + patch);
      assertTrue(Math.abs(reported) > 0.05, () -> "a perturbed layer should have a log-det away from 0, got " + reported);
    }
  }

  /** The same for the whole prior z -> u of a three-layer stack: log p(z) - log N(u) = log|det dz/du|. */
  @ParameterizedTest(name = "P={0}")
  @ValueSource(ints = {1, 2})
  void stackLogProbIsBaseDensityPlusLogDetOfItsJacobian(int patch) {
    try (NDManager m = manager.newSubManager()) {
      TarFlowLM model = new TarFlowLM(ModelFixtures.stack(patch, 4), m, DataType.FLOAT64);
      ModelFixtures.perturb(model.params(), NOISE, 600 + patch);
      NDArray z = ModelFixtures.codebookPositions(model, m, 1, 22).reshape(1, 4, ModelFixtures.D);
      Shape shape = z.getShape();
      FlowForward f = model.forward(z);
      double layerSum = 0;
      for (CouplingResult r : f.layers()) {
        layerSum += sum(doubles(r.logDet()));
      }
      double logDet = doubles(f.logProb())[0] - sum(doubles(f.baseLogPdf()));
      assertEquals(layerSum, logDet, 1e-9, "log p(z) = log N(u) + sum of the layers' log-dets");
      double numeric = ModelFixtures.logAbsDet(jacobian(v -> {
        FlowForward g = model.forward(m.create(v, shape));
        return doubles(g.layers().get(g.layers().size() - 1).h());
      }, doubles(z)));
      assertEquals(numeric, logDet, TOL, "stack P=" + patch);
    }
  }

  /** logDensity = sum logDet + sum log N(h) per position; FlowLayer.logDensity gives the same density the cheap way. */
  @ParameterizedTest(name = "{0} {1} P={2} {3}")
  @MethodSource("everyLayer")
  void layerDensityIsLogDetPlusBase(CouplingType coupling, Direction direction, int patch, LayerInput input) {
    for (DataType type : new DataType[] {DataType.FLOAT64, DataType.FLOAT32}) {
      double tol = type == DataType.FLOAT64 ? 1e-9 : 1e-4;
      try (NDManager m = manager.newSubManager()) {
        TarFlowLM model = new TarFlowLM(ModelFixtures.oneLayer(coupling, direction, patch, 8, input), m, type);
        ModelFixtures.perturb(model.params(), NOISE, 700 + patch);
        FlowLayer layer = model.layers().get(0);
        NDArray x = ModelFixtures.layerInput(model, coupling, m, 2, 23);
        CouplingResult full = layer.forward(x);
        double[] expected = doubles(full.logDet().add(Nd.standardNormalLogPdf(full.h())).sum(new int[] {-1}));
        double[] fullDensity = doubles(full.logDensity());
        double[] cheapDensity = doubles(layer.logDensity(x));
        assertEquals(expected.length, fullDensity.length);
        assertEquals(expected.length, cheapDensity.length);
        for (int i = 0; i < expected.length; i++) {
          double scale = 1 + Math.abs(expected[i]);
          assertEquals(expected[i], fullDensity[i], tol * scale, type + " full, position " + i);
          assertEquals(expected[i], cheapDensity[i], tol * scale, type + " logDensity(x), position " + i);
        }
      }
    }
  }

  /** TarFlowLM.forward's log p(z) and the training path TarFlowLM.logProb agree. */
  @ParameterizedTest(name = "P={0}")
  @ValueSource(ints = {1, 2, 4})
  void forwardLogProbEqualsTrainingLogProb(int patch) {
    for (DataType type : new DataType[] {DataType.FLOAT64, DataType.FLOAT32}) {
      try (NDManager m = manager.newSubManager()) {
        TarFlowLM model = new TarFlowLM(ModelFixtures.stack(patch, 8), m, type);
        ModelFixtures.perturb(model.params(), NOISE, 800 + patch);
        NDArray z = ModelFixtures.codebookPositions(model, m, 3, 24).reshape(3, 8, ModelFixtures.D);
        double[] a = doubles(model.forward(z).logProb());
        double[] b = doubles(model.logProb(z));
        assertEquals(3, a.length);
        for (int i = 0; i < a.length; i++) {
          double tol = (type == DataType.FLOAT64 ? 1e-9 : 1e-4) * (1 + Math.abs(a[i]));
          assertEquals(a[i], b[i], tol, type + " P=" + patch + " sequence " + i);
        }
      }
    }
  }
}
