package org.tarflowlm.ui;

import javafx.beans.property.BooleanProperty;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import org.tarflowlm.runtime.Interpolation;
import org.tarflowlm.runtime.ModelRuntime;

/** Latent interpolation between two texts in noise space. */
public final class InterpolationViewModel {
  private final AppViewModel app;
  private final StringProperty from = new SimpleStringProperty("the president of the united states");
  private final StringProperty to = new SimpleStringProperty("a man walked into the old house");
  private final IntegerProperty steps = new SimpleIntegerProperty(8);
  private final ObjectProperty<Interpolation> result = new SimpleObjectProperty<>();
  private final BooleanProperty running = new SimpleBooleanProperty();
  private final StringProperty error = new SimpleStringProperty("");
  private ModelWorker.Handle handle;

  public InterpolationViewModel(AppViewModel app) {
    this.app = app;
  }

  public StringProperty fromProperty() {
    return from;
  }

  public StringProperty toProperty() {
    return to;
  }

  public IntegerProperty stepsProperty() {
    return steps;
  }

  public ObjectProperty<Interpolation> resultProperty() {
    return result;
  }

  public BooleanProperty runningProperty() {
    return running;
  }

  public StringProperty errorProperty() {
    return error;
  }

  public void run() {
    ModelRuntime rt = app.runtime();
    if (rt == null) {
      error.set("no model is open yet");
      return;
    }
    String a = from.get();
    String b = to.get();
    int n = steps.get();
    error.set("");
    running.set(true);
    handle = app.worker().submit(c -> rt.interpolate(a, b, n, 1, c), r -> {
      running.set(false);
      result.set(r);
    }, () -> running.set(false), msg -> {
      running.set(false);
      error.set(msg);
    });
  }

  public void stop() {
    if (handle != null) {
      handle.cancel();
    }
  }
}
