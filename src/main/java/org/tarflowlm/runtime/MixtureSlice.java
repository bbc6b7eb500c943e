package org.tarflowlm.runtime;

import java.util.List;
import org.tarflowlm.model.CouplingType;

/**
 * What one layer's coupling did to one channel of one flow position in a forward run, for the
 * mixture view to draw without redoing any math (all host double precision, from the trace and
 * the codebook).
 *
 * <p>For a mixture coupling (Mix-1, Mix-d) the channel's 1-D mixture {@code F(x) = sum_k w_k
 * Phi((x - m_k) / s_k)} with its weights, means and scales, the curves on a grid, and the map
 * {@code h = Phi^-1(F(x))}. For Mix-d the weights are {@code alpha^(i)} over the 27 characters: at
 * the token's first channel the layer's next-character distribution pi, at later channels pi
 * updated by the token's channels before it (Rosenblatt). For an affine coupling only the shift
 * and log-scale, {@code h = (x - shift) exp(-logScale)}; the mixture arrays are empty.
 *
 * @param layer the layer, 1-based as {@link LayerTrace#index()}
 * @param layerLabel the layer's label in the trace, e.g. {@code layer 1: mixd, left to right}
 * @param coupling the layer's coupling
 * @param position the flow position (sequence order), in [0, N)
 * @param channel the channel of the layer's input, its own channel order, in [0, c)
 * @param characters the characters of the position in the scored text (P of them)
 * @param token for Mix-d, the index in the scored text of the token the channel belongs to
 *     (position * P + channel / d); -1 otherwise
 * @param tokenChannel for Mix-d, the channel within that token (channel % d); -1 otherwise
 * @param actual for Mix-d, the component of the token's character (its vocabulary id); -1 otherwise
 * @param x the channel's input value (from {@link LayerTrace#input()})
 * @param cdf F(x) for a mixture; NaN for affine
 * @param h the layer's output for the channel (from {@link LayerTrace#output()})
 * @param densityAtX the mixture density at x; for affine the density of x under the layer's
 *     Gaussian N(shift, exp(logScale)^2)
 * @param weights component weights, summing to 1, [K]
 * @param means component means, [K]
 * @param scales component standard deviations, [K]
 * @param labels component labels: the characters for Mix-d, "component k" (1-based) for Mix-1
 * @param grid the sample points of the curves, increasing, spanning every component and x, [G]
 * @param componentDensities each component's weighted density w_k N(g; m_k, s_k^2), [K][G]
 * @param density the mixture density (the sum of the weighted components), [G]
 * @param cdfCurve the mixture CDF, [G]
 * @param shift affine shift b; NaN for mixtures
 * @param logScale affine log-scale a; NaN for mixtures
 */
public record MixtureSlice(
    int layer, String layerLabel, CouplingType coupling, int position, int channel, String characters,
    int token, int tokenChannel, int actual, double x, double cdf, double h, double densityAtX,
    double[] weights, double[] means, double[] scales, List<String> labels,
    double[] grid, double[][] componentDensities, double[] density, double[] cdfCurve,
    double shift, double logScale) {

  /** True for Mix-1 and Mix-d, false for affine. */
  public boolean isMixture() {
    return coupling != CouplingType.AFFINE;
  }

  /** Number of components K (0 for affine). */
  public int components() {
    return weights.length;
  }

  /** Affine scale exp(a); NaN for mixtures. */
  public double scale() {
    return Math.exp(logScale);
  }

  /** Component indices by decreasing weight (ties by index). */
  public int[] byWeight() {
    Integer[] idx = new Integer[weights.length];
    for (int k = 0; k < idx.length; k++) {
      idx[k] = k;
    }
    java.util.Arrays.sort(idx, (a, b) -> weights[a] != weights[b] ? Double.compare(weights[b], weights[a]) : a - b);
    int[] out = new int[idx.length];
    for (int k = 0; k < out.length; k++) {
      out[k] = idx[k];
    }
    return out;
  }

  /** Rank (1 = heaviest) of component k by weight. */
  public int rankOf(int k) {
    int[] order = byWeight();
    for (int r = 0; r < order.length; r++) {
      if (order[r] == k) {
        return r + 1;
      }
    }
    throw new IllegalArgumentException("component " + k + " is outside [0, " + order.length + ")");
  }
}
