package org.tarflowlm.runtime;

import java.util.List;

/**
 * A path between two texts in noise space: both are run forward to u, the path
 * u(alpha) = (1 - alpha) u_a + alpha u_b is decoded at every step.
 *
 * @param from the first text as scored (normalized, padded to the common length)
 * @param to the second text as scored
 * @param alphas the interpolation weights, from 0 to 1
 * @param texts the decoded text at every alpha
 */
public record Interpolation(String from, String to, double[] alphas, List<String> texts) {}
