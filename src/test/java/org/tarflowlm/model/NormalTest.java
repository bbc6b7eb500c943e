package org.tarflowlm.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Phi and Phi^-1 on the host, where the inverses run, and on the device, where the forward maps run:
 * the two must be one function, or inverse(forward(x)) drifts.
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

  /** p from 1e-12 to 1/2, evenly in log p. */
  private static double[] tailProbabilities() {
    double[] p = new double[121];
    for (int i = 0; i < p.length; i++) {
      p[i] = Math.min(0.5, Math.pow(10, -12 + i * 0.1));
    }
    return p;
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
    }
  }

  @Test
  void deviceAndHostComputeTheSameCdfOnBothSides() {
    double[] x = grid(-40, 40, 0.013);
    try (NDManager m = manager.newSubManager()) {
      NDArray[] both = Normal.cdfBothSides(m.create(x));
      double[] lower = both[0].toDoubleArray();
      double[] upper = both[1].toDoubleArray();
      for (int i = 0; i < x.length; i++) {
        assertEquals(Normal.cdf(x[i]), lower[i], 4 * Math.ulp(Normal.cdf(x[i])), "Phi(" + x[i] + ")");
        assertEquals(Normal.cdf(-x[i]), upper[i], 4 * Math.ulp(Normal.cdf(-x[i])), "Phi(-" + x[i] + ")");
      }
      assertEquals(DataType.FLOAT64, both[0].getDataType());
    }
  }

  /** Absolute and relative accuracy in the tails: reference values from mpmath (30 digits). */
  @Test
  void cdfIsAccurateInTheTails() {
    double[][] ref = {
        {-37, 5.7255712225245768227e-300}, {-30, 4.9067139271481870595e-198}, {-20, 2.7536241186062336951e-89},
        {-10, 7.619853024160526066e-24}, {-8, 6.2209605742717841235e-16}, {-7.5, 3.1908916729108962278e-14},
        {-7.07, 7.7466848656364941944e-13}, {-6, 9.865876450376981407e-10}, {-5, 2.8665157187919391167e-7},
        {-3, 0.0013498980316300945267}, {-1.5, 0.066807201268858066004}, {-0.5, 0.30853753872598689636}};
    for (double[] r : ref) {
      double got = Normal.cdf(r[0]);
      // Hart's approximation is about 3e-17 absolute but only about 1e-8 relative in the far tail (2.7e-9 at
      // x = -7, 8.7e-9 at x = -8): harmless, because the forward and the inverse use this same function
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
  void quantileInvertsTheCdfOnTheHostAndTheDevice() {
    double[] p = tailProbabilities();
    try (NDManager m = manager.newSubManager()) {
      double[] device = Normal.lowerQuantile(m.create(p)).toDoubleArray();
      for (int i = 0; i < p.length; i++) {
        double x = Normal.quantile(p[i]);
        assertEquals(p[i], Normal.cdf(x), 1e-13 * p[i], "Phi(Phi^-1(" + p[i] + "))");
        assertEquals(x, device[i], 1e-13 * (1 + Math.abs(x)), "device Phi^-1(" + p[i] + ")");
        assertEquals(-x, Normal.quantile(1 - p[i]), 2 * Math.ulp(1.0) / p[i] + 1e-13, "the upper half by symmetry");
      }
    }
    assertEquals(0, Normal.quantile(0.5), 1e-15);
    assertThrows(IllegalArgumentException.class, () -> Normal.quantile(0));
    assertThrows(IllegalArgumentException.class, () -> Normal.quantile(1));
  }

  /** The reason for the two tails: 1 - F of a value near the top keeps its digits only when summed from above. */
  @Test
  void fromTailsKeepsTheDigitsOfTheUpperTail() {
    for (double x : new double[] {6.2, 6.7, 7.0}) {
      double h = Normal.fromTails(Normal.cdf(x), Normal.cdf(-x));
      assertEquals(x, h, 1e-12, "h of Phi(" + x + ") from the upper tail");
      double fromF = Normal.quantile(Normal.cdf(x)); // 1 - F, after F was rounded near 1
      assertTrue(Math.abs(fromF - x) > 1e-8, "the rounded F alone loses h at x = " + x + ": " + fromF);
    }
    assertEquals(-1.3, Normal.fromTails(Normal.cdf(-1.3), Normal.cdf(1.3)), 1e-14);
    assertEquals(0, Normal.fromTails(0.5, 0.5), 1e-15);
  }

  @Test
  void theClampKeepsHInsideHMax() {
    assertEquals(7.0344838, Normal.H_MAX, 1e-6);
    assertEquals(-Normal.H_MAX, Normal.fromTails(1e-20, 1), 0);
    assertEquals(Normal.H_MAX, Normal.fromTails(1, 0), 0);
    assertEquals(Normal.EPS, Normal.tailOf(-40), 0);
    assertEquals(Normal.EPS, Normal.tailOf(40), 0);
    assertEquals(0.5, Normal.tailOf(0), 0);
    assertEquals(Normal.cdf(-1.3), Normal.tailOf(1.3), 0);
    try (NDManager m = manager.newSubManager()) {
      NDArray x = Nd.f64(m.create(new float[] {-9f, -7.5f, 0f, 7.5f, 9f}));
      NDArray[] both = Normal.cdfBothSides(x);
      double[] h = Normal.fromTails(both[0], both[1]).toDoubleArray();
      double e = Normal.H_MAX;
      assertEquals(-e, h[0], 1e-12);
      assertEquals(-e, h[1], 1e-12);
      assertEquals(0, h[2], 1e-15);
      assertEquals(e, h[3], 1e-12);
      assertEquals(e, h[4], 1e-12);
    }
  }

  @Test
  void deviceAndHostMapTheTailsToTheSameH() {
    double[] x = grid(-7, 7, 0.05);
    try (NDManager m = manager.newSubManager()) {
      NDArray[] both = Normal.cdfBothSides(m.create(x));
      double[] h = Normal.fromTails(both[0], both[1]).toDoubleArray();
      for (int i = 0; i < x.length; i++) {
        assertEquals(Normal.fromTails(Normal.cdf(x[i]), Normal.cdf(-x[i])), h[i], 1e-13 * (1 + Math.abs(x[i])));
        assertEquals(x[i], h[i], 1e-12, "Phi^-1 of Phi is the identity");
      }
    }
  }

  /** Training differentiates through the device map: d Phi^-1(Phi(x)) / dx = 1. */
  @Test
  void theDeviceMapHasTheRightGradient() {
    double[] x = {-6.5, -3, -0.4, 0.3, 2, 5.9};
    try (NDManager m = manager.newSubManager()) {
      NDArray v = m.create(x);
      v.setRequiresGradient(true);
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        NDArray[] both = Normal.cdfBothSides(v);
        gc.backward(Normal.fromTails(both[0], both[1]).sum());
      }
      double[] g = v.getGradient().toDoubleArray();
      for (int i = 0; i < x.length; i++) {
        assertEquals(1, g[i], 1e-6, "gradient at x = " + x[i]);
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
    // a two-component mixture with a flat gap between narrow components
    DoubleUnaryOperator f = v -> 0.5 * Normal.cdf((v + 3) / 0.01) + 0.5 * Normal.cdf((v - 3) / 0.01);
    for (double x : new double[] {-3.02, -2.995, 2.99, 3.004}) {
      assertEquals(x, Normal.solveIncreasing(f, f.applyAsDouble(x), -3.2, 3.2), 1e-8, "x = " + x);
    }
  }
}
