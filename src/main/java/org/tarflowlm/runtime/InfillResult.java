package org.tarflowlm.runtime;

import java.util.List;

/**
 * A filled template.
 *
 * @param template what was asked, as the model reads it
 * @param text the template with every blank written; its fixed characters are the template's
 * @param passes the text after every pass, in order
 * @param iterations conditioning iterations run
 * @param converged whether the written characters stopped changing within the iteration limit
 * @param sequentialSteps autoregressive steps taken (positions x passes x iterations)
 * @param seconds wall time
 */
public record InfillResult(Template template, String text, List<PassResult> passes, int iterations, boolean converged,
    long sequentialSteps, double seconds) {}
