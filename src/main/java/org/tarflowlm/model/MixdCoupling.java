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

  MixdCoupling(Params params, String prefix, int width, Codebook codebook, int patch, int vocab, int dim) {
    this.codebook = codebook;
    this.patch = patch;
    this.vocab = vocab;
    this.dim = dim;
    this.headW = params.constant(prefix + "head.w", 0f, width, (long) patch * vocab);
    this.headB = params.constant(prefix + "head.b", 0f, (long) patch * vocab);
  }

  /** log pi per token of each position: ctx [B, N, D] -> [B, N, P, V]. */
  private NDArray logWeights(NDArray ctx, long b, long n) {
    return Nd.linear(ctx, headW, headB).reshape(b, n, patch, vocab).logSoftmax(-1);
  }

  @Override
  public NDArray logDensity(NDArray x, NDArray ctx) {
    long b = x.getShape().get(0);
    long n = x.getShape().get(1);
    NDArray xt = x.reshape(b, n, patch, dim); // [B, N, P, d]
    // log p_mix(x) = logsumexp_k (log pi_k + log N_k(x)), per token, summed over the patch
    NDArray logMix = Nd.logSumExp(logWeights(ctx, b, n).add(codebook.logDensities(xt)), -1); // [B, N, P]
    return logMix.sum(new int[] {-1});
  }

  @Override
  public CouplingResult forward(NDArray x, NDArray ctx) {
    long b = x.getShape().get(0);
    long n = x.getShape().get(1);
    NDArray logPi = logWeights(ctx, b, n); // [B, N, P, V]
    NDArray xt = x.reshape(b, n, patch, dim); // [B, N, P, d]
    NDArray x64 = Nd.f64(xt).expandDims(-2); // [B, N, P, 1, d]
    NDArray one = x.getManager().ones(new Shape(1), DataType.FLOAT64); // first operand: results stay on the scope
    NDArray mu = one.mul(codebook.mu()); // [V, d], float64
    NDArray logSigma = one.mul(codebook.logSigma()).expandDims(-1); // [V, 1]
    NDArray std = x64.sub(mu).mul(logSigma.neg().exp()); // (x_i - mu_ki) / sigma_k, [B, N, P, V, d]
    NDArray logN1 = Nd.standardNormalLogPdf(std).sub(logSigma); // log N(x_i; mu_ki, sigma_k^2)
    NDArray before = logN1.cumSum(-1).sub(logN1); // sum_{j<i} log N(x_j; ...), exclusive
    NDArray logAlpha = Nd.f64(logPi).expandDims(-1).add(before).logSoftmax(-2); // log alpha^(i), [B, N, P, V, d]
    NDArray logCond = Nd.logSumExp(logAlpha.add(logN1), -2); // log p(x_i | x_<i), [B, N, P, d]
    NDArray[] phi = Normal.cdfBothSides(std); // Phi(+-(x_i - mu_ki) / sigma_k), each from its own tail
    NDArray alpha = logAlpha.exp();
    NDArray lower = alpha.mul(phi[0]).sum(new int[] {-2}); // F_i(x_i), [B, N, P, d]
    NDArray upper = alpha.mul(phi[1]).sum(new int[] {-2}); // 1 - F_i(x_i)
    NDArray h = Normal.fromTails(lower, upper); // h_i = Phi^-1(F_i), from the nearer tail
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

  /** The step parameters are the logits of the patch's tokens, [P*V]; the codebook is copied to the host once. */
  @Override
  public InverseMap inverseMap() {
    HostCodebook host = HostCodebook.of(codebook);
    return (logits, h) -> inverse(host, logits, h);
  }

  private double[] inverse(HostCodebook host, double[] logits, double[] h) {
    double[] x = new double[patch * dim];
    for (int p = 0; p < patch; p++) {
      double[] logAlpha = host.channelLogWeights(logits, p * vocab, x, p * dim, 0); // alpha^(1) = pi
      for (int i = 0; i < dim; i++) {
        x[p * dim + i] = host.channel(logAlpha, i).fromGaussian(h[p * dim + i]); // x_i = F_i^-1(Phi(h_i))
        host.update(logAlpha, x[p * dim + i], i);
      }
    }
    return x;
  }
}
