package org.tarflowlm.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.concurrent.CancellationException;

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

  private boolean reversed() {
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
  public CouplingResult forward(NDArray x, boolean full) {
    NDArray xf = toFlowOrder(x);
    CouplingResult r = coupling.forward(xf, body.forward(features(xf)), full);
    Map<String, NDArray> params = new LinkedHashMap<>();
    r.params().forEach((name, p) -> params.put(name, toFlowOrder(p)));
    return new CouplingResult(toFlowOrder(r.h()), toFlowOrder(r.logDet()), toFlowOrder(r.logDensity()), params);
  }

  /** Hears every position an inverse pass writes. */
  public interface StepListener {
    /** Position {@code index} (sequence order) of batch row 0 now holds {@code x}; step counts in flow order. */
    void onStep(int step, int index, double[] x);
  }

  /**
   * The inverse pass: recovers x from h one position at a time in the layer's direction.
   *
   * @param h outputs, [B][N][c] in sequence order
   * @param fixed inputs to keep rather than invert, [B][N][c], where {@code isFixed[n]}; may be null
   * @param useCache keep keys and values (one position of compute per step) or recompute the prefix
   * @return x, [B][N][c] in sequence order
   */
  public double[][][] inverse(double[][][] h, double[][][] fixed, boolean[] isFixed, boolean useCache,
      NDManager manager, StepListener listener, BooleanSupplier cancelled) {
    int batch = h.length;
    int n = h[0].length;
    double[][][] x = new double[batch][n][];
    coupling.prepareInverse();
    try (NDManager passScope = manager.newSubManager();
        CausalTransformer.Cache cache = body.newCache(passScope)) {
      NDArray prev = null;
      for (int t = 0; t < n; t++) {
        if (cancelled.getAsBoolean()) {
          throw new CancellationException("generation stopped");
        }
        int idx = reversed() ? n - 1 - t : t;
        try (NDManager step = passScope.newSubManager()) {
          NDArray ctx;
          if (useCache) {
            if (prev != null) {
              prev.attach(step);
            }
            ctx = body.step(prev == null ? null : features(prev), batch, cache, step); // [B, 1, D]
          } else {
            ctx = contextByRecomputing(x, t, step);
          }
          float[] sp = coupling.stepParams(ctx).toType(DataType.FLOAT32, false).toFloatArray(); // [B, 1, k]
          int k = sp.length / batch;
          float[] row = new float[k];
          float[] next = new float[batch * channels];
          for (int b = 0; b < batch; b++) {
            boolean keep = fixed != null && isFixed[idx];
            if (keep) {
              x[b][idx] = fixed[b][idx].clone();
            } else {
              System.arraycopy(sp, b * k, row, 0, k);
              x[b][idx] = coupling.inverse(row, h[b][idx]);
            }
            for (int i = 0; i < channels; i++) {
              next[b * channels + i] = (float) x[b][idx][i];
            }
          }
          prev = passScope.create(next, new Shape(batch, 1, channels)).toType(dtype, false);
          listener.onStep(t, idx, x[0][idx]);
        }
      }
    }
    return x;
  }

  /** Context of flow step t by running the transformer over the whole prefix: [B, 1, D]. */
  private NDArray contextByRecomputing(double[][][] x, int t, NDManager step) {
    int batch = x.length;
    int n = x[0].length;
    float[] prefix = new float[batch * (t + 1) * channels]; // slot t's own input is never seen
    for (int b = 0; b < batch; b++) {
      for (int s = 0; s < t; s++) {
        int idx = reversed() ? n - 1 - s : s;
        for (int i = 0; i < channels; i++) {
          prefix[(b * (t + 1) + s) * channels + i] = (float) x[b][idx][i];
        }
      }
    }
    NDArray in = step.create(prefix, new Shape(batch, t + 1, channels)).toType(dtype, false);
    return body.forward(features(in)).get(":, {}:{}", t, t + 1);
  }
}
