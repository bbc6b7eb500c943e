package org.tarflowlm.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LatentGeometryTest {
  @Test
  void eigenDecompositionReconstructsTheMatrix() {
    double[][] m = {{4, 1, 0.5}, {1, 3, 0.2}, {0.5, 0.2, 1}};
    Eigen e = Eigen.symmetric(m);
    assertTrue(e.values()[0] >= e.values()[1] && e.values()[1] >= e.values()[2]);
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j < 3; j++) {
        double s = 0;
        for (int k = 0; k < 3; k++) {
          s += e.vectors()[i][k] * e.values()[k] * e.vectors()[j][k];
        }
        assertEquals(m[i][j], s, 1e-10);
      }
    }
  }

  @Test
  void measuresMatchHandComputedValues() {
    // two states of three 2-D points; state 1 is state 0 shifted by (3, 4)
    float[][][] states = {{{1, 0}, {0, 1}, {-1, 0}}, {{4, 4}, {3, 5}, {2, 4}}};
    LatentGeometry g = LatentGeometry.of(states, null);
    LatentGeometry.Measures m0 = g.measures().get(0);
    assertEquals(1.0, m0.meanNorm(), 1e-12);
    assertEquals((0 + -1 + 0) / 3.0, m0.meanCosine(), 1e-12);
    assertEquals(0, m0.centroidMovement());
    assertEquals(5.0, g.measures().get(1).centroidMovement(), 1e-9, "the centroid moved by (3, 4)");
    assertEquals(m0.participationRatio(), g.measures().get(1).participationRatio(), 1e-9, "shifts keep the covariance");
    assertEquals(1.0, g.explained(), 1e-9, "2-D data is kept whole by two components");
    assertEquals(2, g.paths().length);
    assertEquals(3, g.paths()[1].length);
  }

  @Test
  void participationRatioCountsEffectiveDimensions() {
    float[][][] isotropic = {{{1, 0, 0}, {-1, 0, 0}, {0, 1, 0}, {0, -1, 0}, {0, 0, 1}, {0, 0, -1}}};
    assertEquals(3, LatentGeometry.of(isotropic, null).measures().get(0).participationRatio(), 1e-9);
    float[][][] line = {{{1, 0, 0}, {-1, 0, 0}, {2, 0, 0}}};
    assertEquals(1, LatentGeometry.of(line, null).measures().get(0).participationRatio(), 1e-9);
  }
}
