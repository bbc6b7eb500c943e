package org.tarflowlm.runtime;

/**
 * Bits per character of a text under a model.
 *
 * @param bitsPerChar the single-sample ELBO bound (exact log-likelihood for the baseline)
 * @param iwBitsPerChar the importance-weighted bound with {@code samples} draws (NaN when samples = 1)
 * @param samples encoder samples per window
 * @param chars characters scored
 * @param seconds wall time
 */
public record EvalResult(double bitsPerChar, double iwBitsPerChar, int samples, long chars, double seconds) {
  /** Characters scored per second. */
  public double charsPerSecond() {
    return chars / seconds;
  }
}
