package org.tarflowlm.runtime;

import java.util.List;

/**
 * Everything a forward run (text -> z -> u) computed, for the explorer to draw without redoing any
 * math, and for a trace file to replay.
 *
 * @param model name of the model folder
 * @param text the text and its normalization
 * @param scored the normalized text as scored (padded with spaces to a multiple of P)
 * @param seed seed of the encoder sample
 * @param patchSize P
 * @param states z, then the output of every layer
 * @param decoderBits the decoder term of the ELBO per character, in bits, [T]
 * @param layerBits each layer's log-det term per character in bits (-log|det| / ln 2), [L][T]
 * @param baseBits the base Gaussian term per character in bits (-log N(u) / ln 2), [T]
 * @param totalBits their sum per character, [T]
 * @param bitsPerChar total bits over the characters of the normalized text (padding included in
 *     the numerator: an upper bound)
 * @param nextCharProbs the first layer's mixture weights per character, a next-character
 *     distribution over the 27 symbols for a Mix-d layer ([T][V]); null for other first layers
 */
public record ForwardTrace(
    String model, NormalizedText text, String scored, long seed, int patchSize, List<LayerTrace> states,
    float[] decoderBits, float[][] layerBits, float[] baseBits, float[] totalBits, double bitsPerChar,
    float[][] nextCharProbs) {}
