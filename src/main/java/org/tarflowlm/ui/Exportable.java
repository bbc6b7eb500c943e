package org.tarflowlm.ui;

/** A view whose numbers can be saved as CSV. */
interface Exportable {
  /** A short file-name stem, e.g. {@code generate}. */
  String exportName();

  /** The view's numbers as CSV with a header line; empty when the view shows no run yet. */
  String csv();
}
