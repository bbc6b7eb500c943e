package org.tarflowlm.ui;

import javafx.scene.paint.Color;

/**
 * The one colour scale for "bits per character" and other costs: viridis (perceptually uniform and
 * readable with the common colour-vision deficiencies), from dark purple (cheap) to yellow (costly).
 */
public final class BitsPalette {
  /** Bits at which the scale saturates. */
  public static final double MAX_BITS = 8;

  private static final Color[] STOPS = {
      Color.web("#440154"), Color.web("#482878"), Color.web("#3e4989"), Color.web("#31688e"),
      Color.web("#26828e"), Color.web("#1f9e89"), Color.web("#35b779"), Color.web("#6ece58"),
      Color.web("#b5de2b"), Color.web("#fde725")};

  private BitsPalette() {}

  /** Colour of a value in [0, 1]. */
  public static Color scale(double t) {
    double x = Math.max(0, Math.min(1, t)) * (STOPS.length - 1);
    int i = Math.min(STOPS.length - 2, (int) Math.floor(x));
    return STOPS[i].interpolate(STOPS[i + 1], x - i);
  }

  /** Colour of a character's bits. */
  public static Color ofBits(double bits) {
    return scale(bits / MAX_BITS);
  }

  /** Black or white, whichever reads better on the colour. */
  public static Color textOn(Color background) {
    double luminance = 0.2126 * background.getRed() + 0.7152 * background.getGreen() + 0.0722 * background.getBlue();
    return luminance > 0.5 ? Color.BLACK : Color.WHITE;
  }

  /** CSS of a colour, e.g. {@code #26828e}. */
  public static String css(Color c) {
    return String.format("#%02x%02x%02x", (int) Math.round(c.getRed() * 255), (int) Math.round(c.getGreen() * 255),
        (int) Math.round(c.getBlue() * 255));
  }
}
