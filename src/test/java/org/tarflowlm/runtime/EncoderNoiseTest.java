package org.tarflowlm.runtime;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.tarflowlm.model.TarFlowLM;
import org.tarflowlm.model.Vocabulary;

/** The encoder noise of a trace is its own stream, not the one that initialised the model. */
class EncoderNoiseTest {
  @Test
  void traceNoiseIsUncorrelatedWithTheCodebookForSeedsOneToFive() throws Exception {
    String text = "the united states of america";
    try (ModelRuntime rt = ModelRuntime.open(Path.of("models/mixd-p1"), "cpu")) {
      float[][] mu = rt.codebookMeans(); // [V][d]
      float[] logSigma = Host.floats(((TarFlowLM) rt.model()).codebook().logSigma());
      int d = mu[0].length;
      int[] ids = Vocabulary.encode(text);
      for (long seed = 1; seed <= 5; seed++) {
        float[][] z = rt.trace(text, seed).states().get(0).latents(); // [T][d]
        int n = Math.min(ids.length, mu.length) * d;
        double[] eps = new double[n];
        double[] means = new double[n];
        for (int i = 0; i < n; i++) {
          int t = i / d;
          int k = ids[t];
          eps[i] = (z[t][i % d] - mu[k][i % d]) / Math.exp(logSigma[k]); // z = mu + sigma eps
          means[i] = mu[t][i % d];
        }
        double corr = correlation(eps, means);
        assertTrue(Math.abs(corr) < 0.2, "seed " + seed + ": corr(eps, codebook mu) = " + corr);
      }
    }
  }

  private static double correlation(double[] a, double[] b) {
    double ma = 0;
    double mb = 0;
    for (int i = 0; i < a.length; i++) {
      ma += a[i] / a.length;
      mb += b[i] / b.length;
    }
    double sab = 0;
    double saa = 0;
    double sbb = 0;
    for (int i = 0; i < a.length; i++) {
      sab += (a[i] - ma) * (b[i] - mb);
      saa += (a[i] - ma) * (a[i] - ma);
      sbb += (b[i] - mb) * (b[i] - mb);
    }
    return sab / Math.sqrt(saa * sbb);
  }
}
