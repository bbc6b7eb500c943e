package org.tarflowlm.ui;

import java.util.List;

/**
 * One character of a scored text, as the Generate view shows it.
 *
 * @param ch the character
 * @param bits its bits under the model
 * @param prompt whether it belongs to the prompt
 * @param alternatives the most probable characters at this position, best first (e.g. "e 41%")
 */
public record CharCell(char ch, double bits, boolean prompt, List<String> alternatives) {}
