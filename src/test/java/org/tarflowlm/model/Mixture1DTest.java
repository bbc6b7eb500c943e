package org.tarflowlm.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The 1-D mixture every mixture coupling's inverse and the mixture view run on. */
class Mixture1DTest {
  /** Sharp, well separated components, like a trained codebook's: most of the line is a far tail of all of them. */
  private static final Mixture1D SHARP = Mixture1D.ofLogWeights(
      new double[] {Math.log(0.6), Math.log(0.3), Math.log(0.1)}, new double[] {-1.5, 0.2, 1.1},
      new double[] {0.05, 0.02, 0.08});

  @Test
  void weightsAreNormalized() {
    Mixture1D m = Mixture1D.ofLogWeights(new double[] {2, 2, 2, 2}, new double[4], new double[] {1, 1, 1, 1});
    assertArrayEquals(new double[] {0.25, 0.25, 0.25, 0.25}, m.weights(), 1e-15);
    assertThrows(IllegalArgumentException.class, () -> new Mixture1D(new double[2], new double[3], new double[2]));
  }

  @Test
  void cdfAndSurvivalAddUpAndThePdfIntegrates() {
    double area = 0;
    double step = 1e-4;
    for (double x = -3; x < 3; x += step) {
      assertEquals(1, SHARP.cdf(x) + SHARP.survival(x), 1e-14, "x = " + x);
      area += SHARP.pdf(x + step / 2) * step;
    }
    assertEquals(1, area, 1e-6);
    assertEquals(SHARP.pdf(0.21), SHARP.component(0, 0.21) + SHARP.component(1, 0.21) + SHARP.component(2, 0.21), 0);
  }

  /**
   * Every x comes back where the mixture has mass or in its outer tails (down to the clamp). In a gap between
   * sharp components F is flat to every digit (density below 1e-300), so no x there can be told apart from h.
   */
  @Test
  void fromGaussianUndoesToGaussian() {
    double worst = 0;
    int upperFar = 0;
    for (double x = -1.75; x <= 1.6; x += 0.0007) {
      double h = SHARP.toGaussian(x);
      boolean outer = x < -1.5 || x > 1.1;
      if (Math.abs(h) >= Normal.H_MAX || !(outer || SHARP.pdf(x) > 1e-6)) {
        continue; // beyond the clamp (x maps onto its edge) or in a gap
      }
      worst = Math.max(worst, Math.abs(SHARP.fromGaussian(h) - x));
      upperFar += SHARP.survival(x) < 1e-9 ? 1 : 0;
    }
    assertTrue(worst < 1e-9, "worst |x' - x| = " + worst);
    assertTrue(upperFar > 20, "the sweep reaches into the far upper tail: " + upperFar + " points");
  }

  @Test
  void anHBeyondTheClampGivesTheEdgePoint() {
    double edge = SHARP.fromGaussian(Normal.H_MAX);
    assertEquals(edge, SHARP.fromGaussian(30), 0);
    assertEquals(Normal.EPS, SHARP.survival(edge), 1e-6 * Normal.EPS, "the bisection's 1e-10 in x");
    assertEquals(Normal.H_MAX, SHARP.toGaussian(edge + 0.5), 0);
  }

  @Test
  void componentsRankByWeight() {
    assertArrayEquals(new int[] {0, 1, 2}, SHARP.byWeight());
    assertEquals(3, SHARP.rankOf(2));
    assertThrows(IllegalArgumentException.class, () -> SHARP.rankOf(3));
  }
}
