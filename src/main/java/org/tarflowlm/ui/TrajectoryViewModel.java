package org.tarflowlm.ui;

import javafx.beans.property.BooleanProperty;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import org.tarflowlm.runtime.ForwardTrace;
import org.tarflowlm.runtime.LatentGeometry;
import org.tarflowlm.runtime.ModelRuntime;

/**
 * Latent trajectories of the run the layer stepper traced: the projection, the selected position,
 * and the layer shown (shared with the stepper, so both step together).
 */
public final class TrajectoryViewModel {
  private final AppViewModel app;
  private final CurrentRun current;
  private final ObjectProperty<Fit> fit = new SimpleObjectProperty<>();
  private final IntegerProperty selected = new SimpleIntegerProperty(-1);
  private final BooleanProperty withCodebook = new SimpleBooleanProperty(true);
  private final StringProperty error = new SimpleStringProperty("");
  private long requests;

  /**
   * A projection and the trace it was fitted on, kept together: a view that drew a new trace with
   * the previous trace's projection indexed one by the other's lengths.
   */
  public record Fit(ForwardTrace trace, LatentGeometry geometry) {}

  /** The model and the text of the trace this view draws. */
  public javafx.beans.binding.StringBinding captionProperty() {
    return current.captionProperty();
  }

  TrajectoryViewModel(AppViewModel app, CurrentRun current) {
    this.app = app;
    this.current = current;
    current.traceProperty().addListener((o, a, t) -> refresh());
    withCodebook.addListener((o, a, b) -> refresh());
  }

  /** The projection drawn, with its trace; null before a trace and while a new one is being fitted. */
  public ReadOnlyObjectProperty<Fit> fitProperty() {
    return fit;
  }

  /** The position whose path is highlighted (-1: none). */
  public IntegerProperty selectedProperty() {
    return selected;
  }

  public BooleanProperty withCodebookProperty() {
    return withCodebook;
  }

  /** The state shown, the layer stepper's own property. */
  public IntegerProperty layerProperty() {
    return current.stateProperty();
  }

  public StringProperty errorProperty() {
    return error;
  }

  private static float[][][] states(ForwardTrace t) {
    float[][][] out = new float[t.states().size()][][];
    for (int s = 0; s < out.length; s++) {
      out[s] = t.states().get(s).latents();
    }
    return out;
  }

  /** Refits the projection for the current trace in the background; only the latest fit is shown. */
  public void refresh() {
    long ticket = ++requests;
    ForwardTrace t = current.traceProperty().get();
    ModelRuntime rt = app.runtime();
    fit.set(null);
    error.set("");
    if (t == null) {
      return;
    }
    // A replayed run of another model is drawn without a codebook it does not have.
    boolean codebook = withCodebook.get() && rt != null && !rt.isBaseline() && rt.name().equals(t.model());
    app.worker().submit(c -> codebook ? rt.geometry(t, true) : LatentGeometry.of(states(t), null), g -> {
      if (ticket == requests) {
        fit.set(new Fit(t, g));
      }
    }, () -> { }, msg -> {
      if (ticket == requests) {
        error.set(msg);
      }
    });
  }
}
