package org.tarflowlm.train;

import com.google.gson.annotations.SerializedName;

/** How a training run lays out its stages ({@code "schedule"} in {@code train.json}). */
public enum Schedule {
  /** One stage per flow layer: layer 1 with the codebook, then freeze it and add the next. */
  @SerializedName("progressive")
  PROGRESSIVE,
  /** Every layer from the first step, in one stage. */
  @SerializedName("joint")
  JOINT
}
