package org.tarflowlm.model;

import ai.djl.ndarray.NDArray;
import java.util.Map;

/**
 * What a coupling's forward map gives.
 *
 * @param h output, [B, N, c]
 * @param logDet log|dh_i/dx_i| per channel, [B, N, c] (the Jacobian is triangular within a
 *     position, so these sum to the position's log-determinant)
 * @param logDensity log p_layer(x) per position, [B, N] (float64 for the mixtures): the layer's
 *     density of its input with a standard normal base, i.e. sum(logDet) + sum(log N(h; 0, 1))
 * @param params the coupling's parameters per position, by name, for traces
 */
public record CouplingResult(NDArray h, NDArray logDet, NDArray logDensity, Map<String, NDArray> params) {}
