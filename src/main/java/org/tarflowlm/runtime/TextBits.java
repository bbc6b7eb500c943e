package org.tarflowlm.runtime;

/**
 * A text's bits under a model.
 *
 * @param text the text and its normalization
 * @param bitsPerChar single-sample ELBO bound (flow) or exact (baseline), bits per character
 * @param iwBitsPerChar importance-weighted bound with {@code samples} draws (NaN for one sample or the baseline)
 * @param perChar bits of every character of the normalized text (from the first sample for the flow)
 */
public record TextBits(NormalizedText text, double bitsPerChar, double iwBitsPerChar, int samples, float[] perChar) {}
