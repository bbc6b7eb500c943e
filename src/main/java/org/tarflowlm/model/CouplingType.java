package org.tarflowlm.model;

import com.google.gson.annotations.SerializedName;

/** The three couplings of the design page, section 3. */
public enum CouplingType {
  /** TarFlow's shift and log-scale per channel. */
  @SerializedName("affine")
  AFFINE,
  /** A K-component 1-D Gaussian mixture CDF per channel, channels autoregressive through a MADE head. */
  @SerializedName("mix1")
  MIX1,
  /** The d-dimensional mixture of the codebook Gaussians, inverted channel by channel (Rosenblatt). */
  @SerializedName("mixd")
  MIXD
}
