package org.tarflowlm.runtime;

import org.tarflowlm.model.Normal;

/**
 * An affine coupling at one channel: {@code h = (x - shift) exp(-logScale)}, the Gaussian
 * N(shift, exp(logScale)^2) on x. The fields of {@link CouplingSlice} and the coupling's two numbers.
 */
public record AffineSlice(int layer, String layerLabel, int position, int channel, String characters,
    double x, double h, double shift, double logScale) implements CouplingSlice {

  /** exp(a). */
  public double scale() {
    return Math.exp(logScale);
  }

  @Override
  public double densityAtX() {
    return Math.exp(Normal.logPdf((x - shift) * Math.exp(-logScale)) - logScale);
  }
}
