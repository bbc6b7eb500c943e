package org.tarflowlm.model;

import java.util.List;

/**
 * Everything that fixes the shapes of a model. Read and written as {@code config.json}.
 *
 * @param type {@code "tarflowlm"} for the flow model, {@code "ar-baseline"} for the discrete
 *     autoregressive character transformer it is compared with
 * @param vocabSize V, 27 for the text8 alphabet
 * @param latentDim d, channels per token (the paper uses 5 for text8)
 * @param patchSize P, tokens per flow position
 * @param seqLen T, the longest text in characters the model sees at once (a multiple of P)
 * @param layers flow layers from data (z) to noise (u); the baseline uses only the first one's
 *     depth, width and heads
 * @param seed seed of the parameter initialisation
 */
public record ModelConfig(
    String type, int vocabSize, int latentDim, int patchSize, int seqLen, List<LayerConfig> layers,
    long seed) {

  public static final String TARFLOWLM = "tarflowlm";
  public static final String AR_BASELINE = "ar-baseline";

  public ModelConfig {
    if (!TARFLOWLM.equals(type) && !AR_BASELINE.equals(type)) {
      throw new IllegalArgumentException(
          "model type must be '" + TARFLOWLM + "' or '" + AR_BASELINE + "', got '" + type + "'");
    }
    if (vocabSize != Vocabulary.SIZE) {
      throw new IllegalArgumentException(
          "vocabSize must be " + Vocabulary.SIZE + " (the text8 alphabet), got " + vocabSize);
    }
    if (latentDim < 1 || patchSize < 1 || seqLen < patchSize || seqLen % patchSize != 0) {
      throw new IllegalArgumentException(
          "need latentDim >= 1 and seqLen a positive multiple of patchSize, got latentDim "
              + latentDim + ", patchSize " + patchSize + ", seqLen " + seqLen);
    }
    if (layers == null || layers.isEmpty()) {
      throw new IllegalArgumentException("a model needs at least one layer");
    }
    for (int l = 0; l < layers.size(); l++) {
      if (layers.get(l) == null) {
        throw new IllegalArgumentException("layer " + l + " is null rather than a layer");
      }
    }
    layers = List.copyOf(layers);
    for (int l = 1; l < layers.size(); l++) {
      if (TARFLOWLM.equals(type) && layers.get(l).coupling() == CouplingType.MIXD) {
        throw new IllegalArgumentException(
            "layer " + l + ": a mixd layer is tied to the codebook, so it can only be the first layer");
      }
      if (TARFLOWLM.equals(type) && layers.get(l).input() == LayerInput.POSTERIOR) {
        throw new IllegalArgumentException("layer " + l
            + ": only the first layer reads codebook latents, so only it can take the posterior input");
      }
    }
    if (AR_BASELINE.equals(type) && layers.get(0).input() == LayerInput.POSTERIOR) {
      throw new IllegalArgumentException("the ar-baseline reads tokens, it has no posterior input");
    }
  }

  /** True for the discrete autoregressive baseline. */
  public boolean isBaseline() {
    return AR_BASELINE.equals(type);
  }

  /** Flow positions N = T / P. */
  public int positions() {
    return seqLen / patchSize;
  }

  /** Channels per flow position, c = P * d. */
  public int channels() {
    return patchSize * latentDim;
  }

  /** Transformer blocks over all layers: the baseline's body has this many, to match a flow's budget. */
  public int totalDepth() {
    return layers.stream().mapToInt(LayerConfig::depth).sum();
  }
}
