package org.tarflowlm.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;

/**
 * The VAE around the flow (design page, section 2): token k is the Gaussian
 * {@code N_k = N(mu_k, sigma_k^2 I)}; the encoder samples from it and the decoder inverts it by
 * Bayes with a uniform prior, {@code p(x = k | z) = softmax_k log N_k(z)}.
 */
public final class Codebook {
  /** Initial log sigma: well inside the spacing of unit-variance random means in d = 5. */
  static final float INIT_LOG_SIGMA = (float) Math.log(0.3);

  private final NDArray mu; // [V, d]
  private final NDArray logSigma; // [V]
  private final int dim;

  Codebook(Params params, int vocab, int dim) {
    this.dim = dim;
    this.mu = params.normal("codebook.mu", 1f, vocab, dim);
    this.logSigma = params.constant("codebook.log_sigma", INIT_LOG_SIGMA, vocab);
  }

  public NDArray mu() {
    return mu;
  }

  public NDArray logSigma() {
    return logSigma;
  }

  /** z = mu_x + sigma_x * eps for ids [B, T] and noise eps [B, T, d] -> [B, T, d]. */
  public NDArray encode(NDArray ids, NDArray eps, NDManager scope) {
    NDArray m = mu.get(scope, new NDIndex("{}", ids)); // [B, T, d]
    NDArray s = logSigma.get(scope, new NDIndex("{}", ids)).exp().expandDims(-1); // [B, T, 1]
    return eps.mul(s).add(m);
  }

  /** The codebook means of ids [B, T] -> [B, T, d] (a noise-free encoding). */
  public NDArray means(NDArray ids, NDManager scope) {
    return mu.get(scope, new NDIndex("{}", ids));
  }

  /** log N_k(z) for every token k: z [..., d] -> [..., V]. */
  public NDArray logDensities(NDArray z) {
    // log N_k(z) = -|z - mu_k|^2 / (2 sigma_k^2) - d log sigma_k - d/2 log 2 pi
    NDArray diff = z.expandDims(-2).sub(mu); // [..., V, d]
    NDArray sq = diff.square().sum(new int[] {-1}); // [..., V]
    NDManager scope = z.getManager();
    NDArray invVar = Nd.scoped(logSigma.mul(-2), scope).exp(); // [V]
    NDArray logNorm = Nd.scoped(logSigma.mul(dim), scope).add(dim * Nd.HALF_LOG_2PI); // [V]
    return sq.mul(-0.5).mul(invVar).sub(logNorm);
  }

  /** log p(x = k | z) of the tied decoder: z [..., d] -> [..., V]. */
  public NDArray decoderLogProbs(NDArray z) {
    return logDensities(z).logSoftmax(-1);
  }

  /** The decoder term of the ELBO per position, -logsumexp_j log N_j(z): [..., d] -> [...]. */
  public NDArray decoderTerm(NDArray z) {
    return Nd.logSumExp(logDensities(z), -1).neg();
  }
}
