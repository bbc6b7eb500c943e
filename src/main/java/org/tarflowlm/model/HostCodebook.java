package org.tarflowlm.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/**
 * The codebook on the host, read once in float64: the tied decoder for single positions while a
 * sampling pass writes them, and Mix-d's per-channel mixtures (the Rosenblatt weights over the
 * codebook Gaussians) for its inverse and for the mixture view. A call to the engine per position
 * or channel would cost more than the arithmetic.
 */
public final class HostCodebook {
  private final double[][] mu; // [V][d]
  private final double[] logSigma; // [V]
  private final double[] sigma; // [V]

  public HostCodebook(double[][] mu, double[] logSigma) {
    if (mu.length != logSigma.length || mu.length == 0) {
      throw new IllegalArgumentException("a codebook needs one mean and one log sigma per symbol: got "
          + mu.length + " and " + logSigma.length);
    }
    this.mu = mu;
    this.logSigma = logSigma;
    this.sigma = new double[logSigma.length];
    for (int k = 0; k < sigma.length; k++) {
      sigma[k] = Math.exp(logSigma[k]);
    }
  }

  /** Reads the device codebook; call on the thread that makes the model's engine calls. */
  public static HostCodebook of(Codebook codebook) {
    double[] m;
    double[] s;
    try (NDArray a = codebook.mu().toType(DataType.FLOAT64, true);
        NDArray b = codebook.logSigma().toType(DataType.FLOAT64, true)) {
      m = a.toDoubleArray();
      s = b.toDoubleArray();
    }
    int v = s.length;
    int d = m.length / v;
    double[][] mu = new double[v][d];
    for (int k = 0; k < v; k++) {
      System.arraycopy(m, k * d, mu[k], 0, d);
    }
    return new HostCodebook(mu, s);
  }

  public int vocab() {
    return mu.length;
  }

  public int dim() {
    return mu[0].length;
  }

  /** p(x = k | z) for every k, softmax_k log N_k(z), of the latent z[offset, offset + d). */
  public double[] decoderProbs(double[] z, int offset) {
    int d = dim();
    double[] logp = new double[vocab()];
    for (int k = 0; k < logp.length; k++) {
      double sq = 0;
      for (int i = 0; i < d; i++) {
        double diff = z[offset + i] - mu[k][i];
        sq += diff * diff;
      }
      logp[k] = -0.5 * sq / (sigma[k] * sigma[k]) - d * logSigma[k]; // log N_k(z) + const
    }
    Normal.normalizeLogs(logp);
    for (int k = 0; k < logp.length; k++) {
      logp[k] = Math.exp(logp[k]);
    }
    return logp;
  }

  /** The most probable symbol id of the latent z[offset, offset + d). */
  public int decode(double[] z, int offset) {
    double[] p = decoderProbs(z, offset);
    int best = 0;
    for (int k = 1; k < p.length; k++) {
      if (p[k] > p[best]) {
        best = k;
      }
    }
    return best;
  }

  /** Channel i's mixture of the codebook Gaussians' i-th coordinates, with weights exp(logAlpha). */
  public Mixture1D channel(double[] logAlpha, int i) {
    double[] m = new double[vocab()];
    for (int k = 0; k < m.length; k++) {
      m[k] = mu[k][i];
    }
    return Mixture1D.ofLogWeights(logAlpha, m, sigma.clone());
  }

  /**
   * log alpha^(i) of one token: the weights of its channel {@code channel}, from the token's V
   * logits and its channels before {@code channel} (the Rosenblatt update).
   */
  public double[] channelLogWeights(double[] logits, int offset, double[] x, int xOffset, int channel) {
    double[] logAlpha = new double[vocab()];
    System.arraycopy(logits, offset, logAlpha, 0, logAlpha.length); // alpha^(1) = pi
    Normal.normalizeLogs(logAlpha);
    for (int j = 0; j < channel; j++) {
      update(logAlpha, x[xOffset + j], j);
    }
    return logAlpha;
  }

  /** log alpha^(j+1) = log alpha^(j) + log N(x_j; mu_kj, sigma_k^2), renormalized: logs survive far tails. */
  public void update(double[] logAlpha, double xj, int j) {
    for (int k = 0; k < logAlpha.length; k++) {
      logAlpha[k] += Normal.logPdf((xj - mu[k][j]) / sigma[k]) - logSigma[k];
    }
    Normal.normalizeLogs(logAlpha);
  }
}
