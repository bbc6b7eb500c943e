package org.tarflowlm.model;

import com.google.gson.annotations.SerializedName;

/** What a flow layer's transformer reads of each earlier position. */
public enum LayerInput {
  /** The position's c channels through a linear projection, as on the design page. */
  @SerializedName("latent")
  LATENT,
  /**
   * The channels and, for each token of the position, the tied decoder's posterior p(k | z).
   * A linear projection of d = 5 channels gives the first attention only a rank-5 view of the
   * past; the posterior is the discrete model's embedding, averaged over how sure the decoder is.
   * First layer only: later layers read h_{l-1}, which is no longer a codebook latent.
   */
  @SerializedName("posterior")
  POSTERIOR
}
