package org.tarflowlm.ui;

import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import org.tarflowlm.runtime.ModelRuntime;
import org.tarflowlm.runtime.TrainingCurves;

/**
 * The open model's card and training curves, read from its folder whenever another model opens:
 * how the weights on screen were trained and what they measured.
 */
public final class ModelCardViewModel {
  private final AppViewModel app;
  private final StringProperty card = new SimpleStringProperty("");
  private final ObjectProperty<TrainingCurves> curves = new SimpleObjectProperty<>();
  private final StringProperty error = new SimpleStringProperty("");
  private String model = "";

  public ModelCardViewModel(AppViewModel app) {
    this.app = app;
    app.runtimeProperty().addListener((o, a, rt) -> load(rt));
  }

  /** The card's markdown text; empty when the folder has no card.md. */
  /** The model whose card and curves are shown. */
  public String caption() {
    return model + ": training curves";
  }

  public StringProperty cardProperty() {
    return card;
  }

  /** The learning curves; null when the folder ships none. */
  public ObjectProperty<TrainingCurves> curvesProperty() {
    return curves;
  }

  public StringProperty errorProperty() {
    return error;
  }

  private void load(ModelRuntime rt) {
    card.set("");
    curves.set(null);
    error.set("");
    model = rt == null ? "" : rt.name();
    if (rt == null) {
      return;
    }
    record Loaded(String card, TrainingCurves curves) {}
    app.worker().submit(c -> new Loaded(rt.card(), rt.trainingCurves().orElse(null)), l -> {
      card.set(l.card());
      curves.set(l.curves());
    }, () -> { }, msg -> error.set("could not read the card of " + rt.name() + ": " + msg));
  }
}
