package org.tarflowlm.model;

import ai.djl.ndarray.NDArray;
import java.util.Map;

/** TarFlow's affine coupling: h = (x - b) * exp(-a), log|det| = -sum a. */
public final class AffineCoupling implements Coupling {
  private final int channels;
  private final NDArray headW; // [D, 2c], zero: an untrained layer is the identity
  private final NDArray headB; // [2c]

  AffineCoupling(Params params, String prefix, int width, int channels) {
    this.channels = channels;
    this.headW = params.constant(prefix + "head.w", 0f, width, 2L * channels);
    this.headB = params.constant(prefix + "head.b", 0f, 2L * channels);
  }

  @Override
  public CouplingResult forward(NDArray x, NDArray ctx) {
    NDArray p = Nd.linear(ctx, headW, headB); // [B, N, 2c]
    NDArray shift = p.get("..., :{}", channels); // b, [B, N, c]
    NDArray logScale = p.get("..., {}:", channels); // a, [B, N, c]
    NDArray h = x.sub(shift).mul(logScale.neg().exp()); // h = (x - b) exp(-a)
    NDArray logDet = logScale.neg(); // log|dh/dx| = -a
    NDArray logDensity = Nd.standardNormalLogPdf(h).add(logDet).sum(new int[] {-1}); // [B, N]
    return new CouplingResult(h, logDet, logDensity, Map.of("shift", shift, "logScale", logScale));
  }

  @Override
  public NDArray logDensity(NDArray x, NDArray ctx) {
    return forward(x, ctx).logDensity();
  }

  @Override
  public NDArray stepParams(NDArray ctx) {
    return Nd.linear(ctx, headW, headB);
  }

  /** p = [b, a] per position. */
  @Override
  public InverseMap inverseMap() {
    return (p, h) -> {
      double[] x = new double[channels];
      for (int i = 0; i < channels; i++) {
        x[i] = h[i] * Math.exp(p[channels + i]) + p[i]; // x = h exp(a) + b
      }
      return x;
    };
  }
}
