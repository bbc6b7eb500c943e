package org.tarflowlm.model;

import com.google.gson.annotations.SerializedName;

/** The order in which a flow layer is autoregressive over positions. */
public enum Direction {
  @SerializedName("ltr")
  LEFT_TO_RIGHT,
  @SerializedName("rtl")
  RIGHT_TO_LEFT;

  /** How cards, traces and {@code info} write it: "left to right" or "right to left". */
  public String words() {
    return this == LEFT_TO_RIGHT ? "left to right" : "right to left";
  }
}
