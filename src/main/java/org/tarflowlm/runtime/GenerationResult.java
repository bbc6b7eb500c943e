package org.tarflowlm.runtime;

import java.util.List;

/**
 * A finished generation.
 *
 * @param request what was asked
 * @param prompt the prompt as the model read it (normalized, left-padded to a multiple of P)
 * @param text prompt followed by the continuation
 * @param continuation the generated characters
 * @param passes the text after every pass, in order
 * @param iterations prompt-conditioning iterations run
 * @param converged whether the continuation stopped changing within maxIterations
 * @param sequentialSteps autoregressive steps taken (positions x passes x iterations)
 * @param seconds wall time
 */
public record GenerationResult(GenerationRequest request, String prompt, String text, String continuation,
    List<PassResult> passes, int iterations, boolean converged, long sequentialSteps, double seconds) {
  /** Characters written per second. */
  public double charsPerSecond() {
    return continuation.length() / seconds;
  }
}
