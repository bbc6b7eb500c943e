package org.tarflowlm.ui;

import javafx.beans.value.ObservableBooleanValue;
import javafx.scene.Node;
import javafx.scene.control.Button;

/**
 * A view's Run and Stop buttons keep the keyboard focus between them. Disabling the focused button
 * sent the focus to the first control of the window, the model picker, where the next arrow key
 * switched the model: now Stop takes the focus while a run goes, and Run gets it back after.
 */
final class RunButtons {
  private RunButtons() {
  }

  static void keepFocus(Button run, Button stop, ObservableBooleanValue running) {
    Node[] previous = new Node[1];
    run.sceneProperty().addListener((o, old, scene) -> {
      if (scene != null) {
        scene.focusOwnerProperty().addListener((f, before, now) -> previous[0] = before);
      }
    });
    running.addListener((o, was, now) -> {
      Node owner = run.getScene() == null ? null : run.getScene().getFocusOwner();
      boolean ours = owner == run || owner == stop || previous[0] == run || previous[0] == stop;
      if (ours) {
        (now ? stop : run).requestFocus();
      }
    });
  }
}
