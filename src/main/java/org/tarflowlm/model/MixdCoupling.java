package org.tarflowlm.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Map;

/**
 * Mix-d (design page, coupling 3): the context predicts V logits per token of the patch, and the
 * token's d channels are mapped through the mixture of the codebook's own Gaussians by the
 * Rosenblatt transform. For channel i: alpha^(1) = pi; F_i(x_i) = sum_k alpha_k^(i)
 * Phi((x_i - mu_ki) / sigma_k); h_i = Phi^-1(F_i(x_i)); alpha^(i+1) ~ alpha^(i) N(x_i; mu_ki, sigma_k^2).
 * The logits are a next-character distribution: with sigma -> 0 this is a discrete LM.
 */
public final class MixdCoupling implements Coupling {
  private final Codebook codebook;
  private final int patch;
  private final int vocab;
  private final int dim;
  private final NDArray headW; // [D, P*V], zero: uniform next-token weights at the start
  private final NDArray headB; // [P*V]
  private double[][] hostMu; // [V][d]
  private double[] hostSigma; // [V]

  MixdCoupling(Params params, String prefix, int width, Codebook codebook, int patch, int vocab, int dim) {
    this.codebook = codebook;
    this.patch = patch;
    this.vocab = vocab;
    this.dim = dim;
    this.headW = params.constant(prefix + "head.w", 0f, width, (long) patch * vocab);
    this.headB = params.constant(prefix + "head.b", 0f, (long) patch * vocab);
  }

  @Override
  public CouplingResult forward(NDArray x, NDArray ctx, boolean full) {
    long b = x.getShape().get(0);
    long n = x.getShape().get(1);
    NDArray logPi = Nd.linear(ctx, headW, headB).reshape(b, n, patch, vocab).logSoftmax(-1); // [B, N, P, V]
    NDArray xt = x.reshape(b, n, patch, dim); // [B, N, P, d]
    if (!full) {
      // log p_mix(x) = logsumexp_k (log pi_k + log N_k(x)), per token, summed over the patch
      NDArray logMix = Nd.logSumExp(logPi.add(codebook.logDensities(xt)), -1); // [B, N, P]
      return new CouplingResult(null, null, logMix.sum(new int[] {-1}), Map.of());
    }
    NDArray x64 = Nd.f64(xt).expandDims(-2); // [B, N, P, 1, d]
    NDArray one = x.getManager().ones(new Shape(1), DataType.FLOAT64); // first operand: results stay on the scope
    NDArray mu = one.mul(codebook.mu()); // [V, d], float64
    NDArray logSigma = one.mul(codebook.logSigma()).expandDims(-1); // [V, 1]
    NDArray std = x64.sub(mu).mul(logSigma.neg().exp()); // (x_i - mu_ki) / sigma_k, [B, N, P, V, d]
    NDArray logN1 = Nd.standardNormalLogPdf(std).sub(logSigma); // log N(x_i; mu_ki, sigma_k^2)
    NDArray before = logN1.cumSum(-1).sub(logN1); // sum_{j<i} log N(x_j; ...), exclusive
    NDArray logAlpha = Nd.f64(logPi).expandDims(-1).add(before).logSoftmax(-2); // log alpha^(i), [B, N, P, V, d]
    NDArray logCond = Nd.logSumExp(logAlpha.add(logN1), -2); // log p(x_i | x_<i), [B, N, P, d]
    NDArray cdf = logAlpha.exp().mul(Nd.normalCdf(std)).sum(new int[] {-2}); // F_i(x_i), [B, N, P, d]
    NDArray h = Nd.normalQuantile(cdf.clip(Normal.EPS, 1 - Normal.EPS)); // h_i = Phi^-1(F_i)
    NDArray logDet = logCond.sub(Nd.standardNormalLogPdf(h)); // log dh_i/dx_i = log p(x_i|x_<i) - log N(h_i)
    NDArray logDensity = logCond.sum(new int[] {-1, -2}); // log p_mix(x) per position, [B, N]
    return new CouplingResult(
        Nd.as(h.reshape(b, n, (long) patch * dim), x.getDataType()),
        Nd.as(logDet.reshape(b, n, (long) patch * dim), x.getDataType()),
        Nd.as(logDensity, x.getDataType()),
        Map.of("logits", logPi));
  }

  @Override
  public NDArray stepParams(NDArray ctx) {
    return Nd.linear(ctx, headW, headB);
  }

  @Override
  public void prepareInverse() {
    double[] mu;
    double[] logSigma;
    try (NDArray m = codebook.mu().toType(DataType.FLOAT64, true);
        NDArray s = codebook.logSigma().toType(DataType.FLOAT64, true)) {
      mu = m.toDoubleArray();
      logSigma = s.toDoubleArray();
    }
    hostMu = new double[vocab][dim];
    hostSigma = new double[vocab];
    for (int k = 0; k < vocab; k++) {
      hostSigma[k] = Math.exp(logSigma[k]);
      for (int i = 0; i < dim; i++) {
        hostMu[k][i] = mu[k * dim + i];
      }
    }
  }

  /**
   * log alpha^(i) of one token: the component weights for its channel {@code channel}, from the
   * token's logits and its channels before {@code channel} (the Rosenblatt update, on the host).
   *
   * @param logits V logits of the token starting at {@code offset}
   * @param x the token's channels starting at {@code xOffset}
   */
  public static double[] channelLogWeights(float[] logits, int offset, double[] x, int xOffset, int channel,
      double[][] mu, double[] sigma) {
    double[] logAlpha = new double[mu.length];
    for (int k = 0; k < logAlpha.length; k++) {
      logAlpha[k] = logits[offset + k]; // alpha^(1) = pi
    }
    Normal.normalizeLogs(logAlpha);
    for (int j = 0; j < channel; j++) {
      updateWeights(logAlpha, x[xOffset + j], j, mu, sigma);
    }
    return logAlpha;
  }

  /** log alpha^(j+1) = log alpha^(j) + log N(x_j; mu_kj, sigma_k^2), renormalized; logs survive far tails. */
  private static void updateWeights(double[] logAlpha, double xj, int j, double[][] mu, double[] sigma) {
    for (int k = 0; k < logAlpha.length; k++) {
      logAlpha[k] += Normal.logPdf((xj - mu[k][j]) / sigma[k]) - Math.log(sigma[k]);
    }
    Normal.normalizeLogs(logAlpha);
  }

  @Override
  public double[] inverse(double[] logits, double[] h) {
    if (hostMu == null) {
      throw new IllegalStateException("call prepareInverse() before inverting a mixd layer");
    }
    double[] x = new double[patch * dim];
    double[] logAlpha = new double[vocab];
    for (int p = 0; p < patch; p++) {
      logSoftmax(logits, p * vocab, logAlpha);
      for (int i = 0; i < dim; i++) {
        int ch = i;
        double target = Normal.clampedCdf(h[p * dim + i]);
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        double[] alpha = new double[vocab];
        for (int k = 0; k < vocab; k++) {
          alpha[k] = Math.exp(logAlpha[k]);
          lo = Math.min(lo, hostMu[k][ch] - 20 * hostSigma[k]);
          hi = Math.max(hi, hostMu[k][ch] + 20 * hostSigma[k]);
        }
        double xi = Normal.solveIncreasing(v -> {
          double f = 0;
          for (int k = 0; k < vocab; k++) {
            f += alpha[k] * Normal.cdf((v - hostMu[k][ch]) / hostSigma[k]);
          }
          return f;
        }, target, lo, hi);
        x[p * dim + i] = xi;
        updateWeights(logAlpha, xi, ch, hostMu, hostSigma);
      }
    }
    return x;
  }

  private static void logSoftmax(double[] logits, int offset, double[] out) {
    for (int k = 0; k < out.length; k++) {
      out[k] = logits[offset + k];
    }
    Normal.normalizeLogs(out);
  }
}
