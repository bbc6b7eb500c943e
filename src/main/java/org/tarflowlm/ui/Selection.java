package org.tarflowlm.ui;

import javafx.beans.property.IntegerProperty;
import javafx.beans.property.SimpleIntegerProperty;

/**
 * The position selected across the views, as a character index of the current run's text (-1:
 * none), and the one under the mouse. Clicking a character in Generate, Flow layers or Refinement,
 * or a path in Latent trajectories, selects it everywhere; Mixture components shows its position.
 */
public final class Selection {
  private final IntegerProperty character = new SimpleIntegerProperty(-1);
  private final IntegerProperty hovered = new SimpleIntegerProperty(-1);

  public IntegerProperty characterProperty() {
    return character;
  }

  public IntegerProperty hoveredProperty() {
    return hovered;
  }

  /** Selects character i; selecting the selected one again clears the selection. */
  public void toggle(int i) {
    character.set(character.get() == i ? -1 : i);
  }
}
