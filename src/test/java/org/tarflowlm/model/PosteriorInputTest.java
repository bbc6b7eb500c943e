package org.tarflowlm.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tarflowlm.model.ModelFixtures.doubles;
import static org.tarflowlm.model.ModelFixtures.maxAbsDiff;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The first layer's posterior input: what its transformer reads, in which order. */
class PosteriorInputTest {
  private static final int P = 2;
  private static final int N = 4;
  private static NDManager manager;

  @BeforeAll
  static void open() {
    manager = NDManager.newBaseManager();
  }

  @AfterAll
  static void close() {
    manager.close();
  }

  private static TarFlowLM model(LayerInput input, NDManager m) {
    return new TarFlowLM(ModelFixtures.oneLayer(CouplingType.MIXD, Direction.RIGHT_TO_LEFT, P, P * N, input), m,
        DataType.FLOAT64);
  }

  @Test
  void featuresAreTheChannelsThenEachTokensPosteriorInOrder() {
    try (NDManager m = manager.newSubManager()) {
      TarFlowLM model = model(LayerInput.POSTERIOR, m);
      ModelFixtures.perturb(model.params(), 0.3, 1, name -> name.startsWith("codebook."));
      NDArray x = ModelFixtures.gaussian(m, new Shape(1, N, P * 5), DataType.FLOAT64, 2).mul(0.7); // between the means
      double[] f = doubles(model.layers().get(0).features(x));
      double[] xs = doubles(x);
      double[] mu = doubles(model.codebook().mu());
      double[] logSigma = doubles(model.codebook().logSigma());
      int width = P * 5 + P * 27;
      assertEquals(N * width, f.length);
      for (int n = 0; n < N; n++) {
        for (int c = 0; c < P * 5; c++) {
          assertEquals(xs[n * P * 5 + c], f[n * width + c], 0.0, "channel " + c + " of position " + n);
        }
        for (int j = 0; j < P; j++) {
          double[] expected = posterior(xs, n * P * 5 + j * 5, mu, logSigma);
          for (int k = 0; k < 27; k++) {
            assertEquals(expected[k], f[n * width + P * 5 + j * 27 + k], 1e-12, "p(" + k + " | z) of token " + j);
          }
        }
      }
    }
  }

  /** p(k | z) = N_k(z) / sum_j N_j(z), z the 5 values from {@code at}. */
  private static double[] posterior(double[] x, int at, double[] mu, double[] logSigma) {
    double[] log = new double[27];
    double max = Double.NEGATIVE_INFINITY;
    for (int k = 0; k < 27; k++) {
      double sq = 0;
      for (int i = 0; i < 5; i++) {
        double d = x[at + i] - mu[k * 5 + i];
        sq += d * d;
      }
      log[k] = -sq / (2 * Math.exp(2 * logSigma[k])) - 5 * logSigma[k];
      max = Math.max(max, log[k]);
    }
    double sum = 0;
    for (int k = 0; k < 27; k++) {
      log[k] = Math.exp(log[k] - max);
      sum += log[k];
    }
    for (int k = 0; k < 27; k++) {
      log[k] /= sum;
    }
    return log;
  }

  @Test
  void withoutPosteriorWeightsTheLayerIsTheLatentLayerAndWithThemItIsNot() {
    try (NDManager m = manager.newSubManager()) {
      TarFlowLM posterior = model(LayerInput.POSTERIOR, m);
      TarFlowLM latent = model(LayerInput.LATENT, m);
      ModelFixtures.perturb(posterior.params(), 0.2, 3);
      String inW = "layer0.in.w";
      posterior.params().all().forEach((name, a) -> {
        float[] v = a.toType(DataType.FLOAT32, false).toFloatArray();
        if (name.equals(inW)) {
          float[] latentRows = new float[P * 5 * 16];
          System.arraycopy(v, 0, latentRows, 0, latentRows.length); // the first c rows read the channels
          latent.params().load(name, latentRows);
        } else {
          latent.params().load(name, v);
        }
      });
      NDArray x = ModelFixtures.codebookPositions(posterior, m, 2, 4);
      double[] withPosterior = doubles(posterior.layers().get(0).forward(x).h());
      double[] withLatent = doubles(latent.layers().get(0).forward(x).h());
      assertTrue(maxAbsDiff(withPosterior, withLatent) > 1e-3, "the posterior rows change the layer");

      float[] w = posterior.params().get(inW).toType(DataType.FLOAT32, false).toFloatArray();
      Arrays.fill(w, P * 5 * 16, w.length, 0f);
      posterior.params().load(inW, w);
      assertEquals(0, maxAbsDiff(doubles(posterior.layers().get(0).forward(x).h()), withLatent), 1e-6);
    }
  }
}
