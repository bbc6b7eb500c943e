package org.tarflowlm.runtime;

import java.util.Map;

/**
 * One state of the flow in a forward run: state 0 is the data latent z, state l the output of
 * layer l (state L is the noise u).
 *
 * @param index 0 for z, l for the output of layer l
 * @param label what the state is, e.g. {@code layer 2: mix1, right to left}
 * @param latents every character's latent in token space (channel mixing undone), [T][d]
 * @param decoded the text the tied decoder reads from this state (argmax per character)
 * @param confidence the decoder's probability of that character, [T]
 * @param logDet log|det| of the layer that produced this state, per character (its channels'
 *     share), [T]; null for state 0
 * @param input the layer's input in its own channel order, per flow position, [N][c]; null for state 0
 * @param output the layer's output in its own channel order, [N][c]; null for state 0
 * @param params the coupling's parameters per flow position ([N][...]); empty for state 0
 */
public record LayerTrace(
    int index, String label, float[][] latents, String decoded, float[] confidence, float[] logDet,
    float[][] input, float[][] output, Map<String, float[][]> params) {}
