package org.tarflowlm.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.tarflowlm.model.CouplingType;
import org.tarflowlm.model.Direction;
import org.tarflowlm.model.Normal;
import org.tarflowlm.model.TarFlowLM;
import org.tarflowlm.model.Vocabulary;

/** The mixture view's numbers, checked against the model's own forward map in the trace. */
class MixtureInspectorTest {
  private static final String TEXT = "hello world abcd";

  private NDManager manager;

  @BeforeEach
  void open() {
    manager = NDManager.newBaseManager();
  }

  @AfterEach
  void close() {
    manager.close();
  }

  /** A perturbed Mix-d / Mix-1 (K = 2) / affine model with patch size P, its trace and inspector. */
  private record Fixture(TarFlowLM model, ForwardTrace trace, MixtureInspector inspector) {}

  private Fixture fixture(int patch) {
    TarFlowLM model = RuntimeFixtures.model(RuntimeFixtures.config(patch, 16, Direction.RIGHT_TO_LEFT), manager);
    ModelRuntime rt = ModelRuntime.of(model, manager, "m");
    return new Fixture(model, rt.trace(TEXT, 3), MixtureInspector.of(rt));
  }

  @Test
  void couplingsAreReadFromTheTrace() {
    Fixture f = fixture(1);
    assertEquals(CouplingType.MIXD, MixtureInspector.couplingOf(f.trace().states().get(1)));
    assertEquals(CouplingType.MIX1, MixtureInspector.couplingOf(f.trace().states().get(2)));
    assertEquals(CouplingType.AFFINE, MixtureInspector.couplingOf(f.trace().states().get(3)));
    assertThrows(IllegalArgumentException.class, () -> MixtureInspector.couplingOf(f.trace().states().get(0)));
  }

  @Test
  void weightsSumToOneAndTheCdfAtXIsPhiOfH() {
    for (int patch : new int[] {1, 2}) {
      Fixture f = fixture(patch);
      int n = f.trace().states().get(1).input().length;
      int c = f.trace().states().get(1).input()[0].length;
      for (int layer = 1; layer <= 2; layer++) {
        for (int pos = 0; pos < n; pos++) {
          for (int ch = 0; ch < c; ch++) {
            MixtureSlice s = f.inspector().slice(f.trace(), layer, pos, ch);
            String where = "P=" + patch + " layer " + layer + " position " + pos + " channel " + ch;
            assertTrue(s.isMixture(), where);
            double sum = 0;
            for (double w : s.weights()) {
              assertTrue(w >= 0, where);
              sum += w;
            }
            assertEquals(1, sum, 1e-9, where);
            assertEquals(s.weights().length, s.labels().size(), where);
            assertEquals(Normal.cdf(s.h()), s.cdf(), 1e-6, where + ": F(x) against the layer's output h");
            assertEquals(f.trace().states().get(layer).input()[pos][ch], s.x(), 0, where);
          }
        }
      }
    }
  }

  @Test
  void theMixtureDensityIntegratesToOneOverTheGrid() {
    Fixture f = fixture(2);
    for (int layer = 1; layer <= 2; layer++) {
      for (int ch : new int[] {0, 3, 7, 9}) {
        MixtureSlice s = f.inspector().slice(f.trace(), layer, 2, ch);
        double[] g = s.grid();
        assertTrue(g.length >= MixtureInspector.GRID && g.length < MixtureInspector.GRID + 41 * s.components() + 1);
        assertTrue(g[0] <= s.x() && s.x() <= g[g.length - 1], "the grid spans x");
        double area = 0;
        for (int i = 1; i < g.length; i++) {
          assertTrue(g[i] > g[i - 1], "the grid increases");
          area += 0.5 * (g[i] - g[i - 1]) * (s.density()[i] + s.density()[i - 1]);
          assertTrue(s.cdfCurve()[i] >= s.cdfCurve()[i - 1] - 1e-15, "the CDF never decreases");
        }
        assertEquals(1, area, 2e-3, "layer " + layer + " channel " + ch);
        assertEquals(1, s.cdfCurve()[g.length - 1] - s.cdfCurve()[0], 1e-3);
        for (int i = 0; i < g.length; i += 37) {
          double sum = 0;
          for (double[] comp : s.componentDensities()) {
            sum += comp[i];
          }
          assertEquals(s.density()[i], sum, 1e-12, "the mixture is the sum of its weighted components");
        }
      }
    }
  }

  @Test
  void mixdWeightsAtATokensFirstChannelAreItsNextCharacterDistribution() {
    for (int patch : new int[] {1, 2}) {
      Fixture f = fixture(patch);
      LayerTrace layer1 = f.trace().states().get(1);
      int d = f.model().config().latentDim();
      int v = Vocabulary.SIZE;
      for (int pos = 0; pos < layer1.input().length; pos++) {
        for (int tok = 0; tok < patch; tok++) {
          MixtureSlice s = f.inspector().slice(f.trace(), 1, pos, tok * d);
          float[] logits = layer1.params().get("logits")[pos];
          double max = Double.NEGATIVE_INFINITY;
          for (int k = 0; k < v; k++) {
            max = Math.max(max, logits[tok * v + k]);
          }
          double z = 0;
          for (int k = 0; k < v; k++) {
            z += Math.exp(logits[tok * v + k] - max);
          }
          int token = pos * patch + tok;
          assertEquals(token, s.token());
          assertEquals(0, s.tokenChannel());
          assertEquals(Vocabulary.id(f.trace().scored().charAt(token)), s.actual());
          for (int k = 0; k < v; k++) {
            assertEquals(Math.exp(logits[tok * v + k] - max) / z, s.weights()[k], 1e-12);
            assertEquals(f.trace().nextCharProbs()[token][k], s.weights()[k], 1e-5, "the trace's next-character probs");
            assertEquals(String.valueOf(Vocabulary.symbol(k)), s.labels().get(k));
          }
        }
      }
      // later channels of a token have moved away from pi (the Rosenblatt update)
      MixtureSlice later = f.inspector().slice(f.trace(), 1, 1, d - 1);
      MixtureSlice first = f.inspector().slice(f.trace(), 1, 1, 0);
      assertFalse(java.util.Arrays.equals(first.weights(), later.weights()));
      assertEquals(d - 1, later.tokenChannel());
    }
  }

  @Test
  void mix1ComponentsAreLabelledAndComeFromTheTrace() {
    Fixture f = fixture(1);
    MixtureSlice s = f.inspector().slice(f.trace(), 2, 3, 4);
    assertEquals(CouplingType.MIX1, s.coupling());
    assertEquals(2, s.components());
    assertEquals(java.util.List.of("component 1", "component 2"), s.labels());
    float[] means = f.trace().states().get(2).params().get("means")[3];
    float[] scales = f.trace().states().get(2).params().get("scales")[3];
    assertArrayEquals(new double[] {means[8], means[9]}, s.means(), 0);
    assertArrayEquals(new double[] {scales[8], scales[9]}, s.scales(), 0);
    assertEquals(-1, s.token());
    assertEquals(-1, s.actual());
    assertEquals(String.valueOf(f.trace().scored().charAt(3)), s.characters());
  }

  @Test
  void affineLayersGiveShiftAndScaleAndNoMixture() {
    Fixture f = fixture(2);
    LayerTrace l3 = f.trace().states().get(3);
    for (int ch = 0; ch < 10; ch++) {
      MixtureSlice s = f.inspector().slice(f.trace(), 3, 1, ch);
      assertEquals(CouplingType.AFFINE, s.coupling());
      assertFalse(s.isMixture());
      assertEquals(0, s.components());
      assertEquals(0, s.grid().length);
      assertEquals(l3.params().get("shift")[1][ch], s.shift(), 0);
      assertEquals(l3.params().get("logScale")[1][ch], s.logScale(), 0);
      assertEquals(Math.exp(l3.params().get("logScale")[1][ch]), s.scale(), 1e-12);
      assertEquals((s.x() - s.shift()) / s.scale(), s.h(), 1e-5 * (1 + Math.abs(s.h())), "h = (x - b) exp(-a)");
      assertTrue(Double.isNaN(s.cdf()));
    }
  }

  @Test
  void outOfRangeSelectionsAreRefused() {
    Fixture f = fixture(1);
    assertThrows(IllegalArgumentException.class, () -> f.inspector().slice(f.trace(), 0, 0, 0));
    assertThrows(IllegalArgumentException.class, () -> f.inspector().slice(f.trace(), 4, 0, 0));
    assertThrows(IllegalArgumentException.class, () -> f.inspector().slice(f.trace(), 1, 16, 0));
    assertThrows(IllegalArgumentException.class, () -> f.inspector().slice(f.trace(), 1, 0, 5));
    MixtureInspector noCodebook = new MixtureInspector(null, null);
    assertThrows(IllegalStateException.class, () -> noCodebook.slice(f.trace(), 1, 0, 0));
    assertEquals(CouplingType.MIX1, noCodebook.slice(f.trace(), 2, 0, 0).coupling(), "Mix-1 needs no codebook");
  }
}
