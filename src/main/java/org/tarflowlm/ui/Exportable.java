package org.tarflowlm.ui;

/** A view whose numbers can be saved as CSV. */
interface Exportable {
  /** A short file-name stem, e.g. {@code generate}. */
  String exportName();

  /** The view's numbers as CSV with a header line; empty when the view shows no run yet. */
  String csv();

  /** What the numbers are of: the model and the text or settings, written as the CSV's first line. */
  String caption();

  /** A caption for a generation: the model and the settings it ran with. */
  static String ofGeneration(String model, org.tarflowlm.runtime.GenerationRequest r) {
    return String.format("%s, prompt \"%s\", %d characters, temperature %s, seed %d", model, r.prompt(), r.length(),
        r.temperature(), r.seed());
  }
}
