package org.tarflowlm.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
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
            String where = "P=" + patch + " layer " + layer + " position " + pos + " channel " + ch;
            MixtureSlice s = assertInstanceOf(MixtureSlice.class, f.inspector().slice(f.trace(), layer, pos, ch), where);
            double sum = 0;
            for (double w : s.mixture().weights()) {
              assertTrue(w >= 0, where);
              sum += w;
            }
            assertEquals(1, sum, 1e-9, where);
            assertEquals(s.mixture().components(), s.labels().size(), where);
            assertEquals(Normal.cdf(s.h()), s.cdf(), 1e-6, where + ": F(x) against the layer's output h");
            // the host map the inverse runs on reproduces the device forward's h (the trace holds float32 values)
            assertEquals(s.h(), s.mixture().toGaussian(s.x()), 2e-4 * (1 + Math.abs(s.h())), where + ": host h");
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
        MixtureSlice s = (MixtureSlice) f.inspector().slice(f.trace(), layer, 2, ch);
        MixtureSlice.Curves c = s.curves();
        double[] g = c.grid();
        int k = s.mixture().components();
        assertTrue(g.length >= MixtureInspector.GRID && g.length < MixtureInspector.GRID + 41 * k + 1);
        assertTrue(g[0] <= s.x() && s.x() <= g[g.length - 1], "the grid spans x");
        double area = 0;
        for (int i = 1; i < g.length; i++) {
          assertTrue(g[i] > g[i - 1], "the grid increases");
          area += 0.5 * (g[i] - g[i - 1]) * (c.density()[i] + c.density()[i - 1]);
          assertTrue(c.cdf()[i] >= c.cdf()[i - 1] - 1e-15, "the CDF never decreases");
        }
        assertEquals(1, area, 2e-3, "layer " + layer + " channel " + ch);
        assertEquals(1, c.cdf()[g.length - 1] - c.cdf()[0], 1e-3);
        for (int i = 0; i < g.length; i += 37) {
          double sum = 0;
          for (double[] comp : c.components()) {
            sum += comp[i];
          }
          assertEquals(c.density()[i], sum, 1e-12, "the mixture is the sum of its weighted components");
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
          MixtureSlice s = (MixtureSlice) f.inspector().slice(f.trace(), 1, pos, tok * d);
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
          assertEquals(new MixtureSlice.Token(token, 0, Vocabulary.id(f.trace().scored().charAt(token))),
              s.token().orElseThrow());
          for (int k = 0; k < v; k++) {
            assertEquals(Math.exp(logits[tok * v + k] - max) / z, s.mixture().weights()[k], 1e-12);
            assertEquals(f.trace().nextCharProbs()[token][k], s.mixture().weights()[k], 1e-5, "the trace's next-character probs");
            assertEquals(String.valueOf(Vocabulary.symbol(k)), s.labels().get(k));
          }
        }
      }
      // later channels of a token have moved away from pi (the Rosenblatt update)
      MixtureSlice later = (MixtureSlice) f.inspector().slice(f.trace(), 1, 1, d - 1);
      MixtureSlice first = (MixtureSlice) f.inspector().slice(f.trace(), 1, 1, 0);
      assertFalse(java.util.Arrays.equals(first.mixture().weights(), later.mixture().weights()));
      assertEquals(d - 1, later.token().orElseThrow().channel());
    }
  }

  @Test
  void mix1ComponentsAreLabelledAndComeFromTheTrace() {
    Fixture f = fixture(1);
    MixtureSlice s = (MixtureSlice) f.inspector().slice(f.trace(), 2, 3, 4);
    assertEquals(CouplingType.MIX1, s.coupling());
    assertEquals(2, s.mixture().components());
    assertEquals(java.util.List.of("component 1", "component 2"), s.labels());
    float[] means = f.trace().states().get(2).params().get("means")[3];
    float[] scales = f.trace().states().get(2).params().get("scales")[3];
    assertArrayEquals(new double[] {means[8], means[9]}, s.mixture().means(), 0);
    assertArrayEquals(new double[] {scales[8], scales[9]}, s.mixture().scales(), 0);
    assertTrue(s.token().isEmpty(), "a Mix-1 channel belongs to no codebook token");
    assertFalse(s.isActual(0));
    assertEquals(String.valueOf(f.trace().scored().charAt(3)), s.characters());
  }

  @Test
  void affineLayersGiveShiftAndScaleAndNoMixture() {
    Fixture f = fixture(2);
    LayerTrace l3 = f.trace().states().get(3);
    for (int ch = 0; ch < 10; ch++) {
      AffineSlice s = assertInstanceOf(AffineSlice.class, f.inspector().slice(f.trace(), 3, 1, ch));
      assertEquals(l3.params().get("shift")[1][ch], s.shift(), 0);
      assertEquals(l3.params().get("logScale")[1][ch], s.logScale(), 0);
      assertEquals(Math.exp(l3.params().get("logScale")[1][ch]), s.scale(), 1e-12);
      assertEquals((s.x() - s.shift()) / s.scale(), s.h(), 1e-5 * (1 + Math.abs(s.h())), "h = (x - b) exp(-a)");
      assertEquals(Math.exp(Normal.logPdf(s.h())) / s.scale(), s.densityAtX(), 1e-4 * s.densityAtX());
    }
  }

  @Test
  void outOfRangeSelectionsAreRefused() {
    Fixture f = fixture(1);
    assertThrows(IllegalArgumentException.class, () -> f.inspector().slice(f.trace(), 0, 0, 0));
    assertThrows(IllegalArgumentException.class, () -> f.inspector().slice(f.trace(), 4, 0, 0));
    assertThrows(IllegalArgumentException.class, () -> f.inspector().slice(f.trace(), 1, 16, 0));
    assertThrows(IllegalArgumentException.class, () -> f.inspector().slice(f.trace(), 1, 0, 5));
    MixtureInspector noCodebook = new MixtureInspector(null);
    assertThrows(IllegalStateException.class, () -> noCodebook.slice(f.trace(), 1, 0, 0));
    assertEquals(CouplingType.MIX1, ((MixtureSlice) noCodebook.slice(f.trace(), 2, 0, 0)).coupling(), "Mix-1 needs no codebook");
  }
}
