package org.tarflowlm.ui;

import java.util.List;
import org.tarflowlm.runtime.PassResult;

/**
 * One model's figures in the patch-size comparison.
 *
 * @param model model folder name
 * @param patch P
 * @param text the generated text
 * @param bitsPerChar bits per character of the chosen text under this model
 * @param charsPerSecond generation speed
 * @param sequentialSteps autoregressive steps the generation took
 * @param passes the text after every pass
 * @param noise the starting noise as it reads, the timeline's first state (empty for the baseline)
 */
public record CompareRow(String model, int patch, String text, double bitsPerChar, double charsPerSecond,
    long sequentialSteps, List<PassResult> passes, String noise) {}
