package org.tarflowlm.runtime;

import java.util.List;

/**
 * A run as saved to and opened from a JSON trace file: what was asked, of which model, and every
 * number the views drew, so that opening it replays the run exactly without the model.
 *
 * @param format file format tag, {@link RunFiles#FORMAT}
 * @param model the model folder's name
 * @param config the model's config as JSON, for the record
 * @param request the generation settings (prompt, length, temperature, seed), or null
 * @param generation the text after every pass of the generation, or empty
 * @param trace a forward trace (every layer's latents, log-dets and parameters), or null
 */
public record RunRecord(String format, String model, String config, GenerationRequest request,
    List<PassResult> generation, ForwardTrace trace) {}
