package org.tarflowlm.runtime;

import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.tarflowlm.model.TarFlowLM;

/**
 * A path between two texts in noise space: both are run forward to u, the path
 * u(alpha) = (1 - alpha) u_a + alpha u_b is decoded at every step.
 *
 * @param from the first text as scored (normalized, padded to the common length)
 * @param to the second text as scored
 * @param alphas the interpolation weights, from 0 to 1
 * @param texts the decoded text at every alpha
 */
public record Interpolation(String from, String to, double[] alphas, List<String> texts) {
  /**
   * Both texts are padded with spaces to a common length and run forward to u (encoder sample from
   * {@code seed}); u is walked linearly from one to the other in {@code steps} steps, each decoded
   * by inverting the whole flow.
   */
  static Interpolation between(TarFlowLM flow, NDManager manager, String modelName, String a, String b, int steps,
      long seed, BooleanSupplier cancelled) {
    if (steps < 1) {
      throw new IllegalArgumentException("steps must be at least 1, got " + steps);
    }
    NormalizedText textA = NormalizedText.of(a);
    NormalizedText textB = NormalizedText.of(b);
    String na = textA.normalized();
    String nb = textB.normalized();
    int len = Math.max(na.length(), nb.length());
    Tracer tracer = new Tracer(flow, manager, modelName);
    ForwardTrace ta = tracer.trace(textA, Tracer.padded(na + " ".repeat(len - na.length()), flow.config()), seed);
    ForwardTrace tb = tracer.trace(textB, Tracer.padded(nb + " ".repeat(len - nb.length()), flow.config()), seed);
    float[][] ua = ta.states().get(ta.states().size() - 1).output(); // u_a, [N][c]
    float[][] ub = tb.states().get(tb.states().size() - 1).output();
    FlowGenerator gen = new FlowGenerator(flow, manager);
    double[] alphas = new double[steps + 1];
    List<String> texts = new ArrayList<>();
    for (int s = 0; s <= steps; s++) {
      double alpha = s / (double) steps;
      alphas[s] = alpha;
      double[][] u = new double[ua.length][ua[0].length];
      for (int n = 0; n < ua.length; n++) {
        for (int c = 0; c < ua[n].length; c++) {
          u[n][c] = (1 - alpha) * ua[n][c] + alpha * ub[n][c]; // u(alpha) = (1 - alpha) u_a + alpha u_b
        }
      }
      texts.add(OneThread.run(() -> gen.decodeNoise(u, cancelled)).substring(0, len));
    }
    return new Interpolation(ta.scored().substring(0, len), tb.scored().substring(0, len), alphas, texts);
  }
}
