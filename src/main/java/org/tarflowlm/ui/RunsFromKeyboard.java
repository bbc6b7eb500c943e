package org.tarflowlm.ui;

import javafx.scene.control.Button;

/** A view whose main action Ctrl+Enter (Cmd+Enter on a Mac) runs, as its button would. */
interface RunsFromKeyboard {
  /** The button that runs the view; a disabled one (running, or an invalid field) is not fired. */
  Button runButton();
}
