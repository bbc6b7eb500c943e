package org.tarflowlm.runtime;

import java.util.List;

/**
 * A run as saved to and opened from a JSON trace file: of which model, and everything the views
 * drew, so that opening it shows every view exactly as it was, without the model.
 *
 * @param format file format tag, {@link RunFiles#FORMAT}
 * @param model the model folder's name
 * @param config the model's config as JSON, for the record
 * @param generate what the Generate view showed, or null
 * @param refinement what the Multi-pass refinement view showed, or null
 * @param trace the Flow layers trace (every layer's latents, log-dets and parameters), or null
 * @param roundTrip each layer's round-trip error on that trace, or null
 */
public record RunRecord(String format, String model, String config, ShownGeneration generate,
    ShownGeneration refinement, ForwardTrace trace, double[] roundTrip) {

  /**
   * A generation as a view showed it.
   *
   * @param request the settings it ran with (for infill the prompt is the template, blanks as _)
   * @param passes the text after every pass
   * @param chars every character with its bits, whether it was fixed, and the likeliest ones there; may be empty
   * @param summary the line under it
   * @param layout what was written: its fixed characters and a space at every blank; null when not shown
   * @param noise the text the starting noise decoded to, before the first pass; null when not shown
   */
  public record ShownGeneration(GenerationRequest request, List<PassResult> passes, List<ScoredChar> chars,
      String summary, Template layout, String noise) {}

  /** One character of a scored text. */
  public record ScoredChar(char ch, double bits, boolean fixed, List<String> alternatives) {}
}
