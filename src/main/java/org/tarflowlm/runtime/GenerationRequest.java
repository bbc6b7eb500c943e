package org.tarflowlm.runtime;

/**
 * What to generate.
 *
 * @param prompt text to continue (normalized first; may be empty)
 * @param length characters to write after the prompt
 * @param temperature tau: the noise is drawn from N(0, tau^2 I) (flow) or the logits divided by it (baseline)
 * @param seed seed of the noise
 * @param useCache keep keys and values in every pass (one position of compute per step) rather
 *     than recompute the prefix; both give the same text
 * @param maxIterations prompt conditioning: most refinement iterations (design page, section 5)
 * @param decoding how each layer is inverted (flow models; the discrete baseline samples left to right)
 */
public record GenerationRequest(String prompt, int length, double temperature, long seed, boolean useCache,
    int maxIterations, Decoding decoding) {
  public GenerationRequest {
    if (length < 1) {
      throw new IllegalArgumentException("length must be at least 1 character, got " + length);
    }
    if (!(temperature > 0) || temperature > 10) {
      throw new IllegalArgumentException("temperature must be in (0, 10], got " + temperature);
    }
    if (maxIterations < 1) {
      throw new IllegalArgumentException("maxIterations must be at least 1, got " + maxIterations);
    }
    prompt = prompt == null ? "" : prompt;
    decoding = decoding == null ? Decoding.SEQUENTIAL : decoding;
  }

  /** Sequential decoding. */
  public GenerationRequest(String prompt, int length, double temperature, long seed, boolean useCache,
      int maxIterations) {
    this(prompt, length, temperature, seed, useCache, maxIterations, Decoding.SEQUENTIAL);
  }

  /** The same request, decoded another way. */
  public GenerationRequest with(Decoding other) {
    return new GenerationRequest(prompt, length, temperature, seed, useCache, maxIterations, other);
  }

  /** Defaults: cached sampling, up to 8 conditioning iterations. */
  public static GenerationRequest of(String prompt, int length, double temperature, long seed) {
    return new GenerationRequest(prompt, length, temperature, seed, true, 8);
  }
}
