package org.tarflowlm.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.function.Function;

/**
 * The baseline a user would pick instead (design page, section 6): a discrete autoregressive
 * character transformer, the same body as a flow layer with one-hot characters as its input
 * channels and V logits as its head. It gives an exact log-likelihood.
 */
public final class DiscreteLM implements LanguageModel {
  private final ModelConfig config;
  private final Params params;
  private final CausalTransformer body;
  private final NDArray headW; // [D, V]
  private final NDArray headB; // [V]

  public DiscreteLM(ModelConfig config, NDManager manager) {
    this(config, manager, DataType.FLOAT32);
  }

  public DiscreteLM(ModelConfig config, NDManager manager, DataType dtype) {
    this(config, manager, dtype, Long.MAX_VALUE);
  }

  /** The same, refusing a config whose arrays would hold more than {@code budget} values in all. */
  public DiscreteLM(ModelConfig config, NDManager manager, DataType dtype, long budget) {
    if (!config.isBaseline()) {
      throw new IllegalArgumentException("a DiscreteLM needs an ar-baseline config");
    }
    LayerConfig layer = config.layers().get(0);
    this.config = config;
    this.params = new Params(manager, config.seed(), dtype, budget);
    this.body = new CausalTransformer(params, "body.", config.vocabSize(), config.seqLen(),
        config.totalDepth(), layer.width(), layer.heads());
    this.headW = params.constant("head.w", 0f, layer.width(), config.vocabSize());
    this.headB = params.constant("head.b", 0f, config.vocabSize());
  }

  @Override
  public ModelConfig config() {
    return config;
  }

  @Override
  public Params params() {
    return params;
  }

  public CausalTransformer body() {
    return body;
  }

  /** One-hot inputs of ids [B, T] -> [B, T, V]. */
  public NDArray oneHot(NDArray ids) {
    // compared with 0..V-1 rather than the engine's one_hot, which the PyTorch engine lacks for floats
    NDArray range = ids.getManager().arange(config.vocabSize()).toType(ids.getDataType(), false);
    return ids.expandDims(-1).eq(range).toType(params.dtype(), false);
  }

  /** log p(x_t | x_<t) for every position: ids [B, T] -> [B, T, V]. */
  public NDArray logProbs(NDArray ids) {
    return Nd.linear(body.forward(oneHot(ids)), headW, headB).logSoftmax(-1);
  }

  /** log p(x) per sequence: ids [B, T] -> [B]. */
  public NDArray logProb(NDArray ids) {
    NDArray lp = logProbs(ids); // [B, T, V]
    return lp.gather(ids.expandDims(-1), -1).sum(new int[] {1, 2}); // sum_t log p(x_t | x_<t)
  }

  /** The exact log p(x): the baseline has no encoder to sample and no layers to leave out. */
  @Override
  public NDArray logLikelihood(NDArray ids, Function<Shape, NDArray> encoderNoise, int activeLayers) {
    return logProb(ids);
  }

  @Override
  public <R> R match(Function<TarFlowLM, R> flow, Function<DiscreteLM, R> baseline) {
    return baseline.apply(this);
  }

  /** Next-token logits from a context: [B, 1, D] -> [B, 1, V]. */
  public NDArray head(NDArray ctx) {
    return Nd.linear(ctx, headW, headB);
  }
}
