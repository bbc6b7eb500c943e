package org.tarflowlm.model;

import ai.djl.ndarray.NDArray;

/**
 * The channel permutation between layers (design page, "Channel mixing"): the even-indexed
 * channels of a position first, then the odd ones. With P > 1 it moves information between the
 * tokens of a patch from one layer to the next. log|det| = 0.
 */
public final class ChannelMix {
  private final int[] order; // out[j] = in[order[j]]
  private final int[] inverseOrder;
  private final NDArray forwardMatrix; // [c, c], x P = mix(x); exact in float arithmetic
  private final NDArray inverseMatrix;

  public ChannelMix(Params params, int channels) {
    float[] f = params.allocate(channels, channels);
    float[] b = params.allocate(channels, channels);
    order = new int[channels];
    inverseOrder = new int[channels];
    int j = 0;
    for (int i = 0; i < channels; i += 2) {
      order[j++] = i;
    }
    for (int i = 1; i < channels; i += 2) {
      order[j++] = i;
    }
    for (j = 0; j < channels; j++) {
      inverseOrder[order[j]] = j;
      f[order[j] * channels + j] = 1f;
      b[j * channels + order[j]] = 1f;
    }
    forwardMatrix = params.fixed(f, channels, channels);
    inverseMatrix = params.fixed(b, channels, channels);
  }

  /** Mixes the last axis of [..., c]. */
  public NDArray mix(NDArray x) {
    return x.matMul(forwardMatrix);
  }

  /** Undoes {@link #mix} on the last axis of [..., c]. */
  public NDArray unmix(NDArray x) {
    return x.matMul(inverseMatrix);
  }

  /** Host version of {@link #mix} for one position. */
  public double[] mix(double[] x) {
    double[] out = new double[x.length];
    for (int j = 0; j < x.length; j++) {
      out[j] = x[order[j]];
    }
    return out;
  }

  /** Host version of {@link #unmix} for one position. */
  public double[] unmix(double[] x) {
    double[] out = new double[x.length];
    for (int j = 0; j < x.length; j++) {
      out[j] = x[inverseOrder[j]];
    }
    return out;
  }
}
