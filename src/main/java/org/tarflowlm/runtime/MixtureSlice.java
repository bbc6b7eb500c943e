package org.tarflowlm.runtime;

import java.util.List;
import java.util.Optional;
import org.tarflowlm.model.CouplingType;
import org.tarflowlm.model.Mixture1D;

/**
 * A mixture coupling (Mix-1 or Mix-d) at one channel: the channel's 1-D mixture, where x lands on
 * it, F(x) and h = Phi^-1(F(x)), and its curves. For Mix-d the weights are alpha^(i) over the 27
 * characters: at the token's first channel the layer's next-character distribution pi, at later
 * channels pi updated by the token's channels before it (Rosenblatt); for Mix-1 the K components the
 * MADE head predicted.
 *
 * @param coupling {@link CouplingType#MIX1} or {@link CouplingType#MIXD}
 * @param mixture the channel's mixture
 * @param labels component labels: the characters for Mix-d, "component k" (1-based) for Mix-1
 * @param token for Mix-d, the token the channel belongs to; empty for Mix-1
 * @param curves the mixture sampled on a grid for drawing
 */
public record MixtureSlice(int layer, String layerLabel, CouplingType coupling, int position, int channel,
    String characters, double x, double h, Mixture1D mixture, List<String> labels, Optional<Token> token,
    Curves curves) implements CouplingSlice {

  /**
   * The Mix-d token a channel belongs to.
   *
   * @param index the token's index in the scored text (position * P + channel / d)
   * @param channel the channel within the token (channel % d)
   * @param actual the component of the token's character: its vocabulary id
   */
  public record Token(int index, int channel, int actual) {}

  /**
   * @param grid the sample points, increasing, spanning every component and x, [G]
   * @param components each component's weighted density w_k N(g; m_k, s_k^2), [K][G]
   * @param density the mixture density, [G]
   * @param cdf the mixture CDF, [G]
   */
  public record Curves(double[] grid, double[][] components, double[] density, double[] cdf) {}

  public MixtureSlice {
    if (coupling == CouplingType.AFFINE) {
      throw new IllegalArgumentException("an affine coupling is an AffineSlice");
    }
    labels = List.copyOf(labels);
  }

  /** F(x). */
  public double cdf() {
    return mixture.cdf(x);
  }

  @Override
  public double densityAtX() {
    return mixture.pdf(x);
  }

  /** True when component k is the Mix-d token's actual character. */
  public boolean isActual(int k) {
    return token.map(t -> t.actual() == k).orElse(false);
  }
}
