package org.tarflowlm.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The float64 helpers the mixture couplings rely on: the design page computes the mixture CDFs and Phi^-1 in
 * float64, and joint training needs gradients through the cast.
 */
class NdTest {

  @Test
  void linearIsXWPlusBWithGradientsForAllThree() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray x = m.create(new float[] {1, 2, 3, -1, 0, 4}, new Shape(1, 2, 3)); // [B, N, in]
      NDArray w = m.create(new float[] {1, 0, 2, -1, 0.5f, 3}, new Shape(3, 2)); // [in, out]
      NDArray b = m.create(new float[] {10, -10}, new Shape(2));
      x.setRequiresGradient(true);
      w.setRequiresGradient(true);
      b.setRequiresGradient(true);
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        NDArray y = Nd.linear(x, w, b);
        // row 1: (1*1 + 2*2 + 3*0.5, 1*0 + 2*-1 + 3*3) + b; row 2: (-1*1 + 4*0.5, -1*0 + 4*3) + b
        assertArrayEquals(new float[] {16.5f, -3, 11, 2}, y.toFloatArray(), 1e-5f);
        assertEquals(new Shape(1, 2, 2), y.getShape());
        gc.backward(y.sum());
      }
      assertArrayEquals(new float[] {0, 0, 2, 2, 7, 7}, w.getGradient().toFloatArray(), 1e-5f, "d/dW_ij = sum over rows of x_i");
      assertArrayEquals(new float[] {1, 1, 3.5f, 1, 1, 3.5f}, x.getGradient().toFloatArray(), 1e-5f, "d/dx_i = sum_j W_ij");
      assertArrayEquals(new float[] {2, 2}, b.getGradient().toFloatArray(), 1e-5f, "d/db = rows");
      assertArrayEquals(new float[] {0, 0}, Nd.linear(m.zeros(new Shape(1, 3)), w, null).toFloatArray(), 0f, "no bias");
    }
  }

  @Test
  void f64MakesFloat64ValuesOfEveryShapeAndKeepsThem() {
    try (NDManager m = NDManager.newBaseManager()) {
      float[] v = {0.1f, -2.5f, 3.75f, 1e-8f, -7f, 12345.678f};
      for (Shape shape : new Shape[] {new Shape(6), new Shape(2, 3), new Shape(1, 2, 3)}) {
        NDArray a = Nd.f64(m.create(v, shape));
        assertEquals(DataType.FLOAT64, a.getDataType(), "Nd.f64 of a float32 " + shape);
        assertEquals(shape, a.getShape());
        double[] expected = new double[v.length];
        for (int i = 0; i < v.length; i++) {
          expected[i] = v[i];
        }
        assertArrayEquals(expected, a.toDoubleArray(), 0.0);
        assertEquals(DataType.FLOAT64, Nd.as(m.create(v, shape), DataType.FLOAT64).getDataType(), "Nd.as to float64");
      }
      assertEquals(DataType.FLOAT64, Nd.f64(m.create(1.5f)).getDataType(), "a 0-dim float32");
    }
  }

  @Test
  void hostDoublesOfFloat32AreItsValuesWidened() {
    try (NDManager m = NDManager.newBaseManager()) {
      float[] v = {0.1f, -2.5f, 3.75f, 1e-8f, -7f, 12345.678f};
      double[] widened = new double[v.length];
      for (int i = 0; i < v.length; i++) {
        widened[i] = v[i];
      }
      assertArrayEquals(widened, Nd.hostDoubles(m.create(v, new Shape(2, 1, 3))), 0.0);
      double[] d = {0.1, -2.5, 1e-300};
      assertArrayEquals(d, Nd.hostDoubles(m.create(d)), 0.0);
      assertArrayEquals(new double[] {3, -4}, Nd.hostDoubles(m.create(new int[] {3, -4})), 0.0);
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(value = DataType.class, names = {"FLOAT32", "FLOAT64"})
  void fromHostRoundsOnlyToFloat32(DataType type) {
    try (NDManager m = NDManager.newBaseManager()) {
      double[] v = {0.1, -1.0 / 3, 1e-300};
      NDArray a = Nd.fromHost(m, v, new Shape(3), type);
      assertEquals(type, a.getDataType());
      double[] expected = type == DataType.FLOAT64 ? v : new double[] {(float) 0.1, (float) (-1.0 / 3), 0.0};
      assertArrayEquals(expected, Nd.hostDoubles(a), 0.0);
    }
  }

  @Test
  void f64KeepsTheGradientPath() {
    float[] g = gradientAt(new float[] {0.5f, -1.5f}, w -> Nd.f64(w).square().sum());
    assertArrayEquals(new float[] {1f, -3f}, g, 1e-6f);
  }

  @Test
  void asToFloat32KeepsTheGradientPath() {
    float[] g = gradientAt(new float[] {0.5f, -1.5f}, w -> {
      NDArray back = Nd.as(Nd.f64(w).mul(3), DataType.FLOAT32); // float32 -> float64 -> float32
      assertEquals(DataType.FLOAT32, back.getDataType());
      return back.square().sum(); // d/dw (3w)^2 = 18 w
    });
    assertArrayEquals(new float[] {9f, -27f}, g, 1e-5f);
  }

  /** d loss / dw at a float32 vector w. */
  private static float[] gradientAt(float[] values, UnaryOperator<NDArray> loss) {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray w = m.create(values, new Shape(values.length));
      w.setRequiresGradient(true);
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        gc.backward(loss.apply(w));
      }
      return w.getGradient().toFloatArray();
    }
  }

  /** Forward passes in closed scopes leave nothing behind on the parameters' manager (a training-length leak). */
  @ParameterizedTest(name = "{0}")
  @EnumSource(value = DataType.class, names = {"FLOAT32", "FLOAT64"})
  void forwardPassesLeaveNoArraysOnTheParameterManager(DataType type) {
    try (NDManager m = NDManager.newBaseManager()) {
      TarFlowLM model = new TarFlowLM(ModelFixtures.stack(2, 8), m, type);
      int before = m.getManagedArrays().size();
      for (int i = 0; i < 3; i++) {
        try (NDManager scope = m.newSubManager()) {
          NDArray ids = ModelFixtures.ids(scope, 2, 8, i);
          NDArray eps = ModelFixtures.gaussian(scope, new Shape(2, 8, 5), type, i);
          model.elbo(ids, eps);
          model.forward(model.codebook().encode(ids, eps, scope));
        }
      }
      assertEquals(before, m.getManagedArrays().size(), "arrays left on the parameter manager after 3 passes");
    }
  }
}
