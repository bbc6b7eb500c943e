package org.tarflowlm.ui;

import javafx.beans.property.BooleanProperty;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.ObjectProperty;
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
  private String caption = "";
  /** The model the shown interpolation ran on. */
  private String model = "";
  /** The message that said a model switch cleared the path. */
  private String switchNote = "";
  private final JobState job;

  public InterpolationViewModel(AppViewModel app) {
    this.app = app;
    this.job = new JobState(app);
    app.runtimeProperty().addListener((o, a, rt) -> {
      if (rt != null && !switchNote.isEmpty() && job.errorProperty().get().equals(switchNote)) {
        job.errorProperty().set(""); // it named a model that is no longer open
      }
      if (rt != null && result.get() != null && !rt.name().equals(model)) {
        result.set(null);
        switchNote = rt.name() + " is open now: Interpolate to see its path (the " + model + " path was cleared)";
        job.errorProperty().set(switchNote);
      }
    });
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
    return job.runningProperty();
  }

  public StringProperty errorProperty() {
    return job.errorProperty();
  }

  public void run() {
    ModelRuntime rt = app.runtime();
    if (rt == null) {
      job.errorProperty().set("no model is open yet");
      return;
    }
    String a = from.get();
    String b = to.get();
    int n = steps.get();
    job.start(rt, c -> rt.interpolate(a, b, n, 1, c), r -> {
      model = rt.name();
      caption = String.format("%s, from \"%s\" to \"%s\" in %d steps", model, a, b, n);
      result.set(r);
    }, () -> { });
  }

  /** The model and the two texts of the interpolation shown; empty before the first. */
  public String caption() {
    return result.get() == null ? "" : caption;
  }

  public void stop() {
    job.stop();
  }
}
