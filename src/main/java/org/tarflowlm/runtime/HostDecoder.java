package org.tarflowlm.runtime;

import org.tarflowlm.model.Codebook;
import org.tarflowlm.model.Vocabulary;

/**
 * The tied decoder p(x = k | z) on the host, for decoding single positions while a sampling pass
 * writes them (a call to the engine per position would cost more than the arithmetic).
 */
final class HostDecoder {
  private final double[][] mu; // [V][d]
  private final double[] logSigma; // [V]

  HostDecoder(Codebook codebook) {
    float[] m = Host.floats(codebook.mu());
    float[] s = Host.floats(codebook.logSigma());
    int v = s.length;
    int d = m.length / v;
    mu = new double[v][d];
    logSigma = new double[v];
    for (int k = 0; k < v; k++) {
      logSigma[k] = s[k];
      for (int i = 0; i < d; i++) {
        mu[k][i] = m[k * d + i];
      }
    }
  }

  /** p(x = k | z) for every k: softmax_k log N_k(z). */
  double[] probs(double[] z, int offset) {
    int v = mu.length;
    int d = mu[0].length;
    double[] logp = new double[v];
    double max = Double.NEGATIVE_INFINITY;
    for (int k = 0; k < v; k++) {
      double sq = 0;
      for (int i = 0; i < d; i++) {
        double diff = z[offset + i] - mu[k][i];
        sq += diff * diff;
      }
      logp[k] = -0.5 * sq * Math.exp(-2 * logSigma[k]) - d * logSigma[k];
      max = Math.max(max, logp[k]);
    }
    double sum = 0;
    for (int k = 0; k < v; k++) {
      logp[k] = Math.exp(logp[k] - max);
      sum += logp[k];
    }
    for (int k = 0; k < v; k++) {
      logp[k] /= sum;
    }
    return logp;
  }

  /** The most probable character of a latent. */
  char decode(double[] z, int offset) {
    double[] p = probs(z, offset);
    int best = 0;
    for (int k = 1; k < p.length; k++) {
      if (p[k] > p[best]) {
        best = k;
      }
    }
    return Vocabulary.symbol(best);
  }
}
