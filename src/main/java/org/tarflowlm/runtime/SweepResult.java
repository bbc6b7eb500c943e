package org.tarflowlm.runtime;

/**
 * One Jacobi sweep of a generation pass, as the text reads after it.
 *
 * @param iteration prompt-conditioning iteration
 * @param layer the layer being inverted (1-based)
 * @param sweep 1 for the first sweep of the pass
 * @param text the whole text after the sweep
 * @param settled characters known final after the sweep, counted in the layer's direction
 * @param changed positions that moved in the sweep
 * @param maxChange the largest move of a latent value in the sweep
 */
public record SweepResult(int iteration, int layer, int sweep, String text, int settled, int changed,
    double maxChange) {}
