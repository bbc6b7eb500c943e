package org.tarflowlm.runtime;

/**
 * What one layer's coupling did to one channel of one flow position in a forward run, for the
 * mixture view to draw without redoing any math: an {@link AffineSlice} or a {@link MixtureSlice}.
 */
public sealed interface CouplingSlice permits AffineSlice, MixtureSlice {
  /** The layer, 1-based as {@link LayerTrace#index()}. */
  int layer();

  /** The layer's label in the trace, e.g. {@code layer 1: mixd, left to right}. */
  String layerLabel();

  /** The flow position (sequence order), in [0, N). */
  int position();

  /** The channel of the layer's input, in the layer's own channel order, in [0, c). */
  int channel();

  /** The characters of the position in the scored text (P of them). */
  String characters();

  /** The channel's input value (from {@link LayerTrace#input()}). */
  double x();

  /** The layer's output for the channel (from {@link LayerTrace#output()}). */
  double h();

  /** The density the layer's map puts on x. */
  double densityAtX();
}
