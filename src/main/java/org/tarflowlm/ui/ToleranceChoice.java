package org.tarflowlm.ui;

import javafx.beans.property.DoubleProperty;
import javafx.beans.value.ObservableBooleanValue;
import javafx.collections.FXCollections;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.Tooltip;

/** The Jacobi tolerance a view decodes with, as a choice of a few magnitudes; usable only while Jacobi is chosen. */
final class ToleranceChoice {
  private ToleranceChoice() {}

  static ChoiceBox<Double> of(String id, DoubleProperty tolerance, ObservableBooleanValue jacobi) {
    ChoiceBox<Double> box = new ChoiceBox<>(FXCollections.observableArrayList(0.0, 1e-9, 1e-6, 1e-3));
    box.setId(id);
    box.setValue(tolerance.get());
    box.valueProperty().addListener((o, a, b) -> tolerance.set(b));
    tolerance.addListener((o, a, b) -> box.setValue(b.doubleValue()));
    box.disableProperty().bind(javafx.beans.binding.Bindings.not(jacobi));
    box.setTooltip(new Tooltip("a latent that moves no more than this in a sweep counts as settled (0: only an exact "
        + "repeat)"));
    return box;
  }
}
