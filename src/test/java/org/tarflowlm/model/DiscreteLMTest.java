package org.tarflowlm.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tarflowlm.model.ModelFixtures.doubles;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The baseline (design page, section 6): an exact, causal next-character log-likelihood. */
class DiscreteLMTest {
  private static final int T = 12;
  private static NDManager manager;

  @BeforeAll
  static void open() {
    manager = NDManager.newBaseManager();
  }

  @AfterAll
  static void close() {
    manager.close();
  }

  private static ModelConfig config() {
    return config(T);
  }

  private static ModelConfig config(int seqLen) {
    return new ModelConfig("ar-baseline", 27, 5, 1, seqLen,
        List.of(new LayerConfig(CouplingType.AFFINE, Direction.LEFT_TO_RIGHT, 2, 16, 2, 1)), 3);
  }

  /** T = 32 > V: an index along the wrong axis would not even fail there, only give the wrong shape. */
  @ParameterizedTest(name = "T={0}")
  @ValueSource(ints = {T, 32})
  void logProbIsTheSumOfTheObservedTokensLogProbs(int seqLen) {
    try (NDManager m = manager.newSubManager()) {
      DiscreteLM lm = new DiscreteLM(config(seqLen), m);
      ModelFixtures.perturb(lm.params(), 0.3, 1);
      NDArray ids = ModelFixtures.ids(m, 3, seqLen, 2);
      long[] id = ids.toLongArray();
      double[] lp = doubles(lm.logProbs(ids)); // [B, T, V]
      NDArray totalArray = lm.logProb(ids);
      assertEquals(new Shape(3), totalArray.getShape(), "one log-likelihood per sequence");
      double[] total = doubles(totalArray);
      assertEquals(3, total.length);
      for (int b = 0; b < 3; b++) {
        double sum = 0;
        for (int t = 0; t < seqLen; t++) {
          double norm = 0;
          for (int k = 0; k < 27; k++) {
            norm += Math.exp(lp[(b * seqLen + t) * 27 + k]);
          }
          assertEquals(1, norm, 1e-5, "p(. | x_<t) sums to 1");
          sum += lp[(b * seqLen + t) * 27 + (int) id[b * seqLen + t]];
        }
        assertEquals(sum, total[b], 1e-4, "sequence " + b);
      }
      assertTrue(Math.abs(total[0] + seqLen * Math.log(27)) > 0.1, "a perturbed model is not uniform");
    }
  }

  @Test
  void predictionAtTSeesOnlyTokensBeforeT() {
    try (NDManager m = manager.newSubManager()) {
      DiscreteLM lm = new DiscreteLM(config(), m);
      ModelFixtures.perturb(lm.params(), 0.3, 4);
      NDArray ids = ModelFixtures.ids(m, 1, T, 5);
      long[] id = ids.toLongArray();
      double[] base = doubles(lm.logProbs(ids));
      for (int j = 0; j < T; j++) {
        long[] changed = id.clone();
        changed[j] = (changed[j] + 13) % 27;
        double[] lp = doubles(lm.logProbs(m.create(changed, ids.getShape())));
        for (int t = 0; t < T; t++) {
          double d = 0;
          for (int k = 0; k < 27; k++) {
            d = Math.max(d, Math.abs(lp[t * 27 + k] - base[t * 27 + k]));
          }
          if (t <= j) {
            assertTrue(d <= 1e-6, "changing token " + j + " moved the prediction at " + t + " by " + d);
          } else {
            assertTrue(d > 1e-4, "changing token " + j + " did not reach the prediction at " + t);
          }
        }
      }
    }
  }

  @Test
  void untrainedModelCostsExactlyLog27PerCharacter() {
    try (NDManager m = manager.newSubManager()) {
      DiscreteLM lm = new DiscreteLM(config(), m);
      ModelFixtures.perturb(lm.params(), 0.3, 6, name -> !name.startsWith("head."));
      for (double lp : doubles(lm.logProb(ModelFixtures.ids(m, 4, T, 7)))) {
        assertEquals(-T * Math.log(27), lp, 1e-4);
      }
    }
  }

  @Test
  void configsAreNotInterchangeable() {
    try (NDManager m = manager.newSubManager()) {
      assertThrows(IllegalArgumentException.class, () -> new DiscreteLM(ModelFixtures.stack(1, 8), m));
      assertThrows(IllegalArgumentException.class, () -> new TarFlowLM(config(), m));
    }
  }
}
