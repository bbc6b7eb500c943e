package org.tarflowlm.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One autoregressive flow layer: a causal transformer over the positions in the layer's
 * direction, and a coupling that maps each position given the context of the ones before it.
 * Arrays in and out are in sequence order; the layer flips them itself when it runs right to left.
 */
public final class FlowLayer {
  private final LayerConfig config;
  private final CausalTransformer body;
  private final Coupling coupling;
  private final int channels;
  private final DataType dtype;
  private final Codebook codebook;
  private final ModelConfig model;

  FlowLayer(Params params, String prefix, LayerConfig config, ModelConfig model, Codebook codebook) {
    this.config = config;
    this.channels = model.channels();
    this.dtype = params.dtype();
    this.codebook = codebook;
    this.model = model;
    int features = channels + (config.input() == LayerInput.POSTERIOR ? model.patchSize() * model.vocabSize() : 0);
    this.body = new CausalTransformer(
        params, prefix, features, model.positions(), config.depth(), config.width(), config.heads());
    this.coupling = switch (config.coupling()) {
      case AFFINE -> new AffineCoupling(params, prefix, config.width(), channels);
      case MIX1 -> new Mix1Coupling(params, prefix, config.width(), channels, config.components());
      case MIXD -> new MixdCoupling(params, prefix, config.width(), codebook, model.patchSize(),
          model.vocabSize(), model.latentDim());
    };
  }

  public LayerConfig config() {
    return config;
  }

  public Coupling coupling() {
    return coupling;
  }

  boolean reversed() {
    return config.direction() == Direction.RIGHT_TO_LEFT;
  }

  private NDArray toFlowOrder(NDArray a) {
    return a == null || !reversed() ? a : a.flip(1);
  }

  /**
   * What the transformer reads of each position: x [B, N, c] itself, or with the posterior input
   * x and p(k | z_j) of each of the position's P tokens, [B, N, c + P*V].
   */
  NDArray features(NDArray x) {
    if (config.input() == LayerInput.LATENT) {
      return x;
    }
    long b = x.getShape().get(0);
    long n = x.getShape().get(1);
    NDArray z = x.reshape(b, n, model.patchSize(), model.latentDim()); // [B, N, P, d]
    NDArray posterior = codebook.decoderLogProbs(z).exp(); // p(k | z_j), [B, N, P, V]
    return x.concat(posterior.reshape(b, n, (long) model.patchSize() * model.vocabSize()), -1);
  }

  /** Forward map of every position: x [B, N, c] in sequence order; results in sequence order. */
  public CouplingResult forward(NDArray x) {
    NDArray xf = toFlowOrder(x);
    CouplingResult r = coupling.forward(xf, body.forward(features(xf)));
    Map<String, NDArray> params = new LinkedHashMap<>();
    r.params().forEach((name, p) -> params.put(name, toFlowOrder(p)));
    return new CouplingResult(toFlowOrder(r.h()), toFlowOrder(r.logDet()), toFlowOrder(r.logDensity()), params);
  }

  /** The layer's density of its input, log p_layer(x) per position: x [B, N, c] -> [B, N], sequence order. */
  public NDArray logDensity(NDArray x) {
    NDArray xf = toFlowOrder(x);
    return toFlowOrder(coupling.logDensity(xf, body.forward(features(xf))));
  }

  /** An inverse pass over n positions of a batch of B, to drive one position at a time. */
  public InversePass inversePass(int batch, int n, boolean useCache, NDManager manager) {
    return new InversePass(this, batch, n, useCache, manager);
  }

  /** The inverse map of every position: h [B][N][c] in sequence order -> x [B][N][c], mirroring {@link #forward}. */
  public double[][][] inverse(double[][][] h, boolean useCache, NDManager manager) {
    int batch = h.length;
    try (InversePass pass = inversePass(batch, h[0].length, useCache, manager)) {
      double[][] column = new double[batch][];
      while (pass.hasNext()) {
        int idx = pass.nextIndex();
        for (int b = 0; b < batch; b++) {
          column[b] = h[b][idx];
        }
        pass.invert(column);
      }
      return pass.written();
    }
  }

  CausalTransformer body() {
    return body;
  }

  int channels() {
    return channels;
  }

  DataType dtype() {
    return dtype;
  }
}
