package org.tarflowlm.train;

import com.google.gson.annotations.SerializedName;

/**
 * The type a run trains its weights and activations in ({@code "precision"} in {@code train.json});
 * the mixture couplings compute in float64 either way.
 */
public enum Precision {
  @SerializedName("float32")
  FLOAT32,
  @SerializedName("float64")
  FLOAT64
}
