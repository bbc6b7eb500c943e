package org.tarflowlm.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import java.util.function.Function;

/** What the runtime, the trainer and the weight files share across the flow model and the baseline. */
public interface LanguageModel {
  ModelConfig config();

  Params params();

  /**
   * The training objective per sequence, in nats: a flow's single-sample ELBO under its first
   * {@code activeLayers} layers, the baseline's exact log-likelihood: ids [B, T] -> [B].
   *
   * @param encoderNoise draws eps ~ N(0, I) of a given shape, [B, T, d], for the flow's encoder
   *     sample; the baseline draws nothing
   */
  NDArray logLikelihood(NDArray ids, Function<Shape, NDArray> encoderNoise, int activeLayers);

  /** Runs the case for this kind of model: the one place where a flow is told from the baseline. */
  <R> R match(Function<TarFlowLM, R> flow, Function<DiscreteLM, R> baseline);
}
