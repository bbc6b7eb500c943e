package org.tarflowlm.model;

import ai.djl.ndarray.NDArray;
import java.util.List;

/**
 * Every layer's view of one forward run z -> u.
 *
 * @param inputs the input of each layer, [B, N, c] in that layer's channel order (inputs[0] = z)
 * @param layers what each layer's coupling gave (full results: h, per-channel log-dets, parameters)
 * @param baseLogPdf log N(u; 0, I) per channel of the final output, [B, N, c]
 * @param logProb log p(z) per sequence, [B]
 */
public record FlowForward(List<NDArray> inputs, List<CouplingResult> layers, NDArray baseLogPdf, NDArray logProb) {}
