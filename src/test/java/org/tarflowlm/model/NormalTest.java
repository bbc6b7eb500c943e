package org.tarflowlm.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The host normal functions the inverse runs on, against the engine's float64 functions the forward map runs on:
 * the two must agree, or inverse(forward(x)) drifts.
 */
class NormalTest {
  private static NDManager manager;

  @BeforeAll
  static void open() {
    manager = NDManager.newBaseManager();
  }

  @AfterAll
  static void close() {
    manager.close();
  }

  private static double[] grid(double from, double to, double step) {
    int n = (int) Math.round((to - from) / step) + 1;
    double[] x = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = from + i * step;
    }
    return x;
  }

  @Test
  void cdfAgreesWithTheEnginesErfOnAGrid() {
    double[] x = grid(-8, 8, 0.01);
    try (NDManager m = manager.newSubManager()) {
      double[] erf = m.create(x).mul(1 / Math.sqrt(2)).erf().add(1).mul(0.5).toDoubleArray();
      double worst = 0;
      for (int i = 0; i < x.length; i++) {
        worst = Math.max(worst, Math.abs(Normal.cdf(x[i]) - erf[i]));
      }
      double w = worst;
      assertTrue(worst < 1e-14, () -> "max |Normal.cdf - (1 + erf(x / sqrt 2)) / 2| = " + w);
      double[] nd = Nd.normalCdf(m.create(x)).toDoubleArray();
      for (int i = 0; i < x.length; i++) {
        assertEquals(erf[i], nd[i], 0.0, "Nd.normalCdf is the erf form");
      }
    }
  }

  /** Absolute and relative accuracy in the tails, where Phi^-1 of a clamped F is taken: reference values from mpmath (30 digits). */
  @Test
  void cdfIsAccurateInTheTails() {
    double[][] ref = {
        {-37, 5.7255712225245768227e-300}, {-30, 4.9067139271481870595e-198}, {-20, 2.7536241186062336951e-89},
        {-10, 7.619853024160526066e-24}, {-8, 6.2209605742717841235e-16}, {-7.5, 3.1908916729108962278e-14},
        {-7.07, 7.7466848656364941944e-13}, {-6, 9.865876450376981407e-10}, {-5, 2.8665157187919391167e-7},
        {-3, 0.0013498980316300945267}, {-1.5, 0.066807201268858066004}, {-0.5, 0.30853753872598689636}};
    for (double[] r : ref) {
      double got = Normal.cdf(r[0]);
      // Hart's approximation is accurate in absolute terms (about 3e-17), but only to about 1e-8 relative in the
      // lower tail (2.7e-9 at x = -7, 8.7e-9 at x = -8, mpmath). That is harmless: the couplings clamp F into
      // [1e-12, 1 - 1e-12] and the engine's erf form of the forward map is only absolutely accurate too.
      assertEquals(r[1], got, 1e-16, "Phi(" + r[0] + ") absolute");
      assertEquals(r[1], got, 1e-8 * r[1], "Phi(" + r[0] + ") relative");
      if (r[0] >= -3) {
        assertEquals(r[1], got, 1e-13 * r[1], "Phi(" + r[0] + ") relative, body");
      }
      assertEquals(1 - r[1], Normal.cdf(-r[0]), 2 * Math.ulp(1.0), "Phi(" + -r[0] + ")");
    }
    assertEquals(0.5, Normal.cdf(0), 0.0);
    assertEquals(0, Normal.cdf(-40), 0.0);
    assertEquals(1, Normal.cdf(40), 0.0);
  }

  @Test
  void clampedCdfStaysInsideTheForwardClamp() {
    assertEquals(Normal.EPS, Normal.clampedCdf(-40), 0.0);
    assertEquals(1 - Normal.EPS, Normal.clampedCdf(40), 0.0);
    assertEquals(Normal.cdf(1.3), Normal.clampedCdf(1.3), 0.0);
  }

  @Test
  void engineQuantileInvertsTheCdfInFloat64() {
    double[] x = grid(-6.5, 6.5, 0.05);
    try (NDManager m = manager.newSubManager()) {
      double[] back = Nd.normalQuantile(Nd.normalCdf(m.create(x))).toDoubleArray();
      for (int i = 0; i < x.length; i++) {
        // the erf form has absolute error ~1e-16 in F, so h loses accuracy as phi(x) shrinks
        assertEquals(x[i], back[i], 1e-15 / Math.exp(-x[i] * x[i] / 2) + 1e-12, "x = " + x[i]);
      }
    }
  }

  @Test
  void hostAndEngineHelpersAgree() {
    double[] x = grid(-6, 6, 0.037);
    try (NDManager m = manager.newSubManager()) {
      NDArray a = m.create(x);
      double[] gelu = Nd.geluTanh(a).toDoubleArray();
      double[] elu = Nd.elu(a).toDoubleArray();
      double[] logPdf = Nd.standardNormalLogPdf(a).toDoubleArray();
      for (int i = 0; i < x.length; i++) {
        assertEquals(Normal.geluTanh(x[i]), gelu[i], 1e-14);
        assertEquals(Normal.elu(x[i]), elu[i], 1e-15);
        assertEquals(Normal.logPdf(x[i]), logPdf[i], 1e-14);
      }
      NDArray rows = m.create(new double[] {1000, 1001, 999, -5, -1e4, 0}, new ai.djl.ndarray.types.Shape(2, 3));
      double[] lse = Nd.logSumExp(rows, -1).toDoubleArray();
      assertEquals(1001 + Math.log(1 + Math.exp(-1) + Math.exp(-2)), lse[0], 1e-12);
      assertEquals(Math.log(Math.exp(-5) + 1), lse[1], 1e-12);
      assertEquals(DataType.FLOAT64, rows.getDataType());
    }
  }

  @Test
  void solveIncreasingFindsRoots() {
    // root inside the bracket
    assertEquals(Math.cbrt(2), Normal.solveIncreasing(v -> v * v * v, 2, 0, 3), 1e-9);
    // root left of and right of the bracket: the bracket is widened
    assertEquals(-Math.cbrt(50), Normal.solveIncreasing(v -> v * v * v, -50, 1, 2), 1e-9);
    assertEquals(1234.5, Normal.solveIncreasing(v -> v, 1234.5, -1, 1), 1e-9);
    // the normal CDF, as the couplings use it, to the bisection's 1e-10
    for (double h : new double[] {-6.9, -3, -0.2, 0, 0.7, 4, 6.9}) {
      double target = Normal.clampedCdf(h);
      double root = Normal.solveIncreasing(Normal::cdf, target, -1, 1);
      // near F = 1 a double holds 1 - F only to ulp(1) = 2.2e-16, which is 1e-5 in h at h = 6.9
      double tol = 1e-9 + 2 * Math.ulp(1.0) / Math.exp(Normal.logPdf(h));
      assertEquals(h, root, tol, "h = " + h);
      assertEquals(target, Normal.cdf(root), 1e-10 * Math.exp(Normal.logPdf(h)) + 2 * Math.ulp(1.0), "F(root), h = " + h);
    }
    // a two-component mixture with a flat gap between narrow components
    DoubleUnaryOperator f = v -> 0.5 * Normal.cdf((v + 3) / 0.01) + 0.5 * Normal.cdf((v - 3) / 0.01);
    for (double x : new double[] {-3.02, -2.995, 2.99, 3.004}) {
      assertEquals(x, Normal.solveIncreasing(f, f.applyAsDouble(x), -3.2, 3.2), 1e-8, "x = " + x);
    }
  }
}
