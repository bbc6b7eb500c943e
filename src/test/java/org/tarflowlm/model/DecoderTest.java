package org.tarflowlm.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.tarflowlm.model.ModelFixtures.doubles;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Design page, sections 2, 3 and 7: the tied decoder p(x|z) is a distribution, the ELBO is the decoder term plus
 * log p(z), and an untrained Mix-d layer 1 (zero head, uniform weights) costs exactly log2(27) bits per character
 * whatever the codebook.
 */
class DecoderTest {
  private static final double LOG27 = Math.log(27);
  private static NDManager manager;

  @BeforeAll
  static void open() {
    manager = NDManager.newBaseManager();
  }

  @AfterAll
  static void close() {
    manager.close();
  }

  private static NDArray noise(NDManager m, int batch, int seqLen, DataType type, long seed) {
    return ModelFixtures.gaussian(m, new Shape(batch, seqLen, ModelFixtures.D), type, seed);
  }

  @Test
  void decoderProbabilitiesSumToOne() {
    try (NDManager m = manager.newSubManager()) {
      TarFlowLM model = new TarFlowLM(ModelFixtures.oneLayer(CouplingType.MIXD, Direction.LEFT_TO_RIGHT, 1, 8), m);
      ModelFixtures.perturb(model.params(), 0.3, 1, name -> name.startsWith("codebook."));
      // codebook samples, and points far from every mean where the densities underflow
      NDArray z = model.codebook().encode(ModelFixtures.ids(m, 2, 8, 3), noise(m, 2, 8, DataType.FLOAT32, 4), m)
          .concat(ModelFixtures.gaussian(m, new Shape(2, 8, 5), DataType.FLOAT32, 5).mul(30), 1);
      double[] sums = doubles(model.codebook().decoderLogProbs(z).exp().sum(new int[] {-1}));
      assertEquals(32, sums.length);
      for (double s : sums) {
        assertEquals(1, s, 1e-5);
      }
    }
  }

  /** log N_k(z) against the formula on the host, and the decoder term against -logsumexp of it. */
  @Test
  void codebookDensitiesAreTheGaussians() {
    try (NDManager m = manager.newSubManager()) {
      TarFlowLM model = new TarFlowLM(ModelFixtures.oneLayer(CouplingType.MIXD, Direction.LEFT_TO_RIGHT, 1, 4), m,
          DataType.FLOAT64);
      ModelFixtures.perturb(model.params(), 0.3, 2, name -> name.startsWith("codebook."));
      Codebook cb = model.codebook();
      double[] mu = doubles(cb.mu());
      double[] logSigma = doubles(cb.logSigma());
      NDArray ids = ModelFixtures.ids(m, 1, 4, 7);
      NDArray eps = noise(m, 1, 4, DataType.FLOAT64, 8);
      NDArray z = cb.encode(ids, eps, m);
      double[] zs = doubles(z);
      double[] e = doubles(eps);
      long[] id = ids.toLongArray();
      double[] logN = doubles(cb.logDensities(z));
      double[] term = doubles(cb.decoderTerm(z));
      for (int t = 0; t < 4; t++) {
        double max = Double.NEGATIVE_INFINITY;
        double[] lk = new double[27];
        for (int k = 0; k < 27; k++) {
          double sq = 0;
          for (int i = 0; i < 5; i++) {
            double d = zs[t * 5 + i] - mu[k * 5 + i];
            sq += d * d;
          }
          double s2 = Math.exp(2 * logSigma[k]);
          lk[k] = -sq / (2 * s2) - 5 * logSigma[k] - 2.5 * Math.log(2 * Math.PI);
          assertEquals(lk[k], logN[t * 27 + k], 1e-10);
          max = Math.max(max, lk[k]);
        }
        double sum = 0;
        for (double v : lk) {
          sum += Math.exp(v - max);
        }
        assertEquals(-(max + Math.log(sum)), term[t], 1e-10);
        for (int i = 0; i < 5; i++) {
          int k = (int) id[t];
          assertEquals(mu[k * 5 + i] + Math.exp(logSigma[k]) * e[t * 5 + i], zs[t * 5 + i], 1e-12, "z = mu + sigma eps");
        }
      }
    }
  }

  @ParameterizedTest(name = "P={0}")
  @ValueSource(ints = {1, 2, 4})
  void untrainedMixdLayerCostsLog27PerCharacterForAnyCodebook(int patch) {
    for (DataType type : new DataType[] {DataType.FLOAT32, DataType.FLOAT64}) {
      try (NDManager m = manager.newSubManager()) {
        TarFlowLM model = new TarFlowLM(ModelFixtures.oneLayer(CouplingType.MIXD, Direction.RIGHT_TO_LEFT, patch, 16),
            m, type);
        // any codebook and any transformer: only the zero head makes the weights uniform
        ModelFixtures.perturb(model.params(), 0.5, 3 + patch, name -> !name.contains("head."));
        double[] elbo = doubles(model.elbo(ModelFixtures.ids(m, 3, 16, 9), noise(m, 3, 16, type, 10)));
        for (double e : elbo) {
          double bpc = -e / (16 * Math.log(2));
          assertEquals(Math.log(27) / Math.log(2), bpc, type == DataType.FLOAT64 ? 1e-12 : 1e-5, type + " P=" + patch);
          assertEquals(-16 * LOG27, e, type == DataType.FLOAT64 ? 1e-10 : 1e-3);
        }
      }
    }
  }

  /** An untrained affine layer is the identity, so it adds nothing to a Mix-d layer 1 (through Phi^-1 and mixing). */
  @Test
  void untrainedMixdThenAffineStillCostsLog27() {
    try (NDManager m = manager.newSubManager()) {
      ModelConfig config = new ModelConfig("tarflowlm", 27, 5, 2, 16, List.of(
          new LayerConfig(CouplingType.MIXD, Direction.LEFT_TO_RIGHT, 1, 16, 2, 2),
          new LayerConfig(CouplingType.AFFINE, Direction.RIGHT_TO_LEFT, 1, 16, 2, 2)), 5);
      TarFlowLM model = new TarFlowLM(config, m);
      double[] elbo = doubles(model.elbo(ModelFixtures.ids(m, 2, 16, 11), noise(m, 2, 16, DataType.FLOAT32, 12)));
      for (double e : elbo) {
        assertEquals(-16 * LOG27, e, 1e-3);
      }
    }
  }

  /** With Mix-d alone the ELBO per token is log sum_k pi_t[k] p(x_t = k | z_t) (design page, section 3). */
  @ParameterizedTest(name = "{0}")
  @EnumSource(Direction.class)
  void mixdElboIsTheMixtureOfDecoderProbabilities(Direction direction) {
    try (NDManager m = manager.newSubManager()) {
      int patch = 2;
      TarFlowLM model = new TarFlowLM(ModelFixtures.oneLayer(CouplingType.MIXD, direction, patch, 8), m,
          DataType.FLOAT64);
      ModelFixtures.perturb(model.params(), 0.3, 13);
      NDArray ids = ModelFixtures.ids(m, 2, 8, 14);
      NDArray eps = noise(m, 2, 8, DataType.FLOAT64, 15);
      double[] elbo = doubles(model.elbo(ids, eps));
      NDArray z = model.codebook().encode(ids, eps, m);
      NDArray logPi = model.forward(z).layers().get(0).params().get("logits").reshape(2, 8, 27); // [B, T, V]
      NDArray perToken = Nd.logSumExp(logPi.add(model.codebook().decoderLogProbs(z)), -1); // [B, T]
      double[] expected = doubles(perToken.sum(new int[] {1}));
      for (int b = 0; b < 2; b++) {
        assertEquals(expected[b], elbo[b], 1e-9);
      }
      assertEquals(true, Math.abs(expected[0] + 8 * LOG27) > 0.1, "a perturbed head is not uniform");
    }
  }
}
