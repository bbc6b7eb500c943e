package org.tarflowlm.model;

/**
 * One flow layer: its coupling, its direction and the transformer that predicts its parameters.
 *
 * @param coupling which coupling maps the layer's input to its output
 * @param direction the order of positions in which the layer is autoregressive
 * @param depth transformer blocks
 * @param width model width D
 * @param heads attention heads (width must divide by it)
 * @param components mixture components K of a Mix-1 layer (ignored by the others)
 * @param input what the transformer reads of each earlier position; absent in a config file means
 *     {@link LayerInput#LATENT}
 */
public record LayerConfig(
    CouplingType coupling, Direction direction, int depth, int width, int heads, int components,
    LayerInput input) {

  /** A layer that reads the latent channels, as on the design page. */
  public LayerConfig(CouplingType coupling, Direction direction, int depth, int width, int heads, int components) {
    this(coupling, direction, depth, width, heads, components, LayerInput.LATENT);
  }

  public LayerConfig {
    if (input == null) {
      input = LayerInput.LATENT;
    }
    if (coupling == null || direction == null) {
      throw new IllegalArgumentException("a layer needs a coupling and a direction");
    }
    if (depth < 1 || width < 1 || heads < 1 || width % heads != 0) {
      throw new IllegalArgumentException(
          "layer needs depth >= 1 and a width divisible by heads, got depth "
              + depth + ", width " + width + ", heads " + heads);
    }
    if (coupling == CouplingType.MIX1 && components < 1) {
      throw new IllegalArgumentException("a mix1 layer needs components >= 1, got " + components);
    }
  }

  /** The layer in one line, e.g. {@code mix1, right to left, 1 block, width 128, 4 heads, K = 2}. */
  public String summary() {
    return coupling.name().toLowerCase() + ", " + direction.words() + ", " + depth + (depth == 1 ? " block" : " blocks")
        + ", width " + width + ", " + heads + " heads"
        + (coupling == CouplingType.MIX1 ? ", K = " + components : "")
        + (input == LayerInput.POSTERIOR ? ", reads p(k | z)" : "");
  }
}
