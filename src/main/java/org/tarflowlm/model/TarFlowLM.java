package org.tarflowlm.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * TarFlowLM (design page, sections 2 and 3): a codebook VAE whose prior is a stack of
 * autoregressive flow layers with alternating directions, h0 = z, h_l = f_l(mix(h_{l-1})),
 * u = h_L ~ N(0, I); log p(z) = log N(u) + sum_l log|det J_l|.
 */
public final class TarFlowLM implements LanguageModel {
  private final ModelConfig config;
  private final Params params;
  private final Codebook codebook;
  private final List<FlowLayer> layers = new ArrayList<>();
  private final ChannelMix mix;

  /** A float32 model with freshly initialised parameters on the manager's device. */
  public TarFlowLM(ModelConfig config, NDManager manager) {
    this(config, manager, DataType.FLOAT32);
  }

  /** A model whose parameters and activations have the given float type. */
  public TarFlowLM(ModelConfig config, NDManager manager, DataType dtype) {
    this(config, manager, dtype, Long.MAX_VALUE);
  }

  /** The same, refusing a config whose arrays would hold more than {@code budget} values in all. */
  public TarFlowLM(ModelConfig config, NDManager manager, DataType dtype, long budget) {
    if (config.isBaseline()) {
      throw new IllegalArgumentException("an ar-baseline config describes a DiscreteLM, not a TarFlowLM");
    }
    this.config = config;
    this.params = new Params(manager, config.seed(), dtype, budget);
    this.codebook = new Codebook(params, config.vocabSize(), config.latentDim());
    for (int l = 0; l < config.layers().size(); l++) {
      layers.add(new FlowLayer(params, "layer" + l + ".", config.layers().get(l), config, codebook));
    }
    this.mix = new ChannelMix(params, config.channels());
  }

  @Override
  public ModelConfig config() {
    return config;
  }

  @Override
  public Params params() {
    return params;
  }

  public Codebook codebook() {
    return codebook;
  }

  public List<FlowLayer> layers() {
    return layers;
  }

  public ChannelMix channelMix() {
    return mix;
  }

  /** Groups P tokens into one flow position: [B, T, d] -> [B, T/P, P*d]. */
  public NDArray toPositions(NDArray z) {
    long b = z.getShape().get(0);
    long t = z.getShape().get(1);
    return z.reshape(b, t / config.patchSize(), config.channels());
  }

  /** Brings a per-channel array of layer l's input space back to tokens: [B, N, c] -> [B, T, d]. */
  public NDArray toTokens(NDArray a, int layer) {
    for (int i = 0; i < layer; i++) {
      a = mix.unmix(a);
    }
    long b = a.getShape().get(0);
    long n = a.getShape().get(1);
    return a.reshape(b, n * config.patchSize(), config.latentDim());
  }

  /** log p(z) per sequence, the cheap way training needs: z [B, T, d] -> [B]. */
  public NDArray logProb(NDArray z) {
    return logProb(z, layers.size());
  }

  /**
   * log p(z) under the first {@code active} layers only, the model progressive training has built
   * so far: z [B, T, d] -> [B].
   */
  public NDArray logProb(NDArray z, int active) {
    if (active < 1 || active > layers.size()) {
      throw new IllegalArgumentException("active layers must be in [1, " + layers.size() + "], got " + active);
    }
    NDArray x = toPositions(z);
    NDArray sum = null;
    for (int l = 0; l < active - 1; l++) {
      if (l > 0) {
        x = mix.mix(x);
      }
      CouplingResult r = layers.get(l).forward(x);
      NDArray term = r.logDet().sum(new int[] {1, 2}); // log|det J_l|
      sum = sum == null ? term : sum.add(term);
      x = r.h();
    }
    if (active > 1) {
      x = mix.mix(x);
    }
    // The last layer's log N(u) + log|det| is its own density of its input: no Phi^-1 needed.
    NDArray last = layers.get(active - 1).logDensity(x).sum(new int[] {1});
    return sum == null ? last : sum.add(last);
  }

  /** The whole forward run with every layer's output: z [B, T, d]. */
  public FlowForward forward(NDArray z) {
    NDArray x = toPositions(z);
    List<NDArray> inputs = new ArrayList<>();
    List<CouplingResult> results = new ArrayList<>();
    NDArray logProb = null;
    for (int l = 0; l < layers.size(); l++) {
      if (l > 0) {
        x = mix.mix(x);
      }
      inputs.add(x);
      CouplingResult r = layers.get(l).forward(x);
      results.add(r);
      NDArray term = r.logDet().sum(new int[] {1, 2});
      logProb = logProb == null ? term : logProb.add(term);
      x = r.h();
    }
    NDArray base = Nd.standardNormalLogPdf(x); // log N(u), [B, N, c]
    return new FlowForward(inputs, results, base, logProb.add(base.sum(new int[] {1, 2})));
  }

  /**
   * The whole inverse run u -> z with every layer's input, the mirror of {@link #forward}: from the
   * last layer to the first, x_l = f_l^-1(h_l) and h_{l-1} = mix^-1(x_l).
   *
   * @param u the last layer's output, [N][c]
   * @param fixed positions whose input is given in every layer (a prompt's, a template's); null for none
   * @param fixedInputs those inputs, [L][N][c] in each layer's channel order (read only where fixed)
   */
  public FlowInverse inverse(double[][] u, boolean[] fixed, double[][][] fixedInputs, InverseSchedule schedule,
      InverseListener listener, NDManager manager) {
    double[][][] inputs = new double[layers.size()][][];
    long steps = 0;
    double[][] h = u;
    for (int l = layers.size() - 1; l >= 0; l--) {
      FlowLayer layer = layers.get(l);
      double[][] given = fixed == null ? null : fixedInputs[l];
      int index = l;
      double[][] x;
      if (schedule instanceof InverseSchedule.Jacobi j) {
        JacobiInverse.Result r = JacobiInverse.invert(layer, h, fixed, given, j.tolerance(), j.maxSweeps(), j.window(),
            sweep -> listener.onSweep(index, sweep), manager);
        x = r.x();
        steps += r.sweeps() + r.sequentialSteps();
      } else {
        boolean useCache = ((InverseSchedule.Sequential) schedule).useCache();
        x = InversePass.run(layer, h, (step, i) -> fixed != null && fixed[i], given, useCache,
            (step, i, xi) -> listener.onPosition(index, step, i, xi), manager); // x_t = f^-1(h_t; ctx(x_<t))
        steps += h.length;
      }
      inputs[l] = x;
      listener.onLayer(l, x);
      h = l > 0 ? unmix(x) : x; // h_{l-1} = mix^-1(x_l)
    }
    return new FlowInverse(List.of(inputs), steps);
  }

  private double[][] unmix(double[][] x) {
    double[][] out = new double[x.length][];
    for (int i = 0; i < x.length; i++) {
      out[i] = mix.unmix(x[i]);
    }
    return out;
  }

  /**
   * The single-sample ELBO in nats per sequence (design page, section 2):
   * sum_t [-logsumexp_j log N_j(z_t)] + log p(z), with z = mu_x + sigma_x eps.
   *
   * @param ids token ids [B, T], T a multiple of P
   * @param eps standard normal noise [B, T, d]
   */
  public NDArray elbo(NDArray ids, NDArray eps) {
    return elbo(ids, eps, layers.size());
  }

  @Override
  public NDArray logLikelihood(NDArray ids, Function<Shape, NDArray> encoderNoise, int activeLayers) {
    long[] s = ids.getShape().getShape();
    return elbo(ids, encoderNoise.apply(new Shape(s[0], s[1], config.latentDim())), activeLayers);
  }

  @Override
  public <R> R match(Function<TarFlowLM, R> flow, Function<DiscreteLM, R> baseline) {
    return flow.apply(this);
  }

  /** The ELBO of the model made of the first {@code active} layers. */
  public NDArray elbo(NDArray ids, NDArray eps, int active) {
    NDArray z = codebook.encode(ids, eps, ids.getManager());
    return logProb(z, active).add(codebook.decoderTerm(z).sum(new int[] {1}));
  }
}
