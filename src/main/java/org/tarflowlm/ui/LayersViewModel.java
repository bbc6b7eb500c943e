package org.tarflowlm.ui;

import javafx.beans.binding.Bindings;
import javafx.beans.binding.ObjectBinding;
import javafx.beans.binding.StringBinding;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.LongProperty;
import javafx.beans.property.SimpleLongProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import org.tarflowlm.runtime.ForwardTrace;
import org.tarflowlm.runtime.ModelRuntime;
import org.tarflowlm.runtime.Run;
import org.tarflowlm.runtime.Runs;

/**
 * The layer stepper: the current run's forward trace from z (state 0) to u (state L), the state the
 * user has stepped to, and each layer's round-trip health; tracing a typed text makes a new run.
 */
public final class LayersViewModel {
  private final AppViewModel app;
  private final CurrentRun current;
  private final StringProperty text = new SimpleStringProperty("the united states of america");
  private final LongProperty seed = new SimpleLongProperty(1);
  private final ObjectBinding<double[]> roundTrip;
  private final JobState job;

  LayersViewModel(AppViewModel app, CurrentRun current) {
    this.app = app;
    this.current = current;
    this.job = new JobState(app);
    this.roundTrip = Bindings.createObjectBinding(
        () -> current.get() == null ? null : current.get().roundTrip(), current.runProperty());
    // The text field shows the run's text as it was given: typed, or as a model wrote it.
    current.runProperty().addListener((o, a, r) -> {
      if (r != null) {
        text.set(r.trace() != null ? r.trace().text().original() : r.text());
        if (r.trace() != null) {
          seed.set(r.trace().seed());
        }
      }
    });
  }

  /** What the trace shows: the model, the text and the encoder seed, for every view that draws it. */
  public StringBinding captionProperty() {
    return current.captionProperty();
  }

  public StringProperty textProperty() {
    return text;
  }

  public LongProperty seedProperty() {
    return seed;
  }

  /** The current run's trace; null without one. */
  public ObjectBinding<ForwardTrace> traceProperty() {
    return current.traceProperty();
  }

  public ObjectBinding<double[]> roundTripProperty() {
    return roundTrip;
  }

  /** The state stepped to: 0 = z (text side) ... L = u (noise side). */
  public IntegerProperty currentProperty() {
    return current.stateProperty();
  }

  public BooleanProperty runningProperty() {
    return job.runningProperty();
  }

  public StringProperty errorProperty() {
    return job.errorProperty();
  }

  /** Number of states in the trace (L + 1), 0 before a trace. */
  public int states() {
    ForwardTrace t = traceProperty().get();
    return t == null ? 0 : t.states().size();
  }

  /**
   * Traces the text in the field as a new run. The run's own text, shown in the field, is traced
   * character for character as before (a model's text is never normalized again: a P > 1 model
   * writes runs of spaces); a text the user typed is read as the model reads it.
   */
  public void run() {
    ModelRuntime rt = app.runtime();
    if (rt == null) {
      job.errorProperty().set("no model is open yet");
      return;
    }
    if (rt.isBaseline()) {
      job.errorProperty().set(rt.name() + " is the discrete baseline: it has no flow layers to step through");
      return;
    }
    Run shown = current.get();
    String typed = text.get();
    long s = seed.get();
    boolean same = shown != null && shown.trace() != null && typed.equals(shown.trace().text().original());
    job.startRun(rt, current, cancelled -> {
      ModelRuntime baseline = app.baselineBeside(rt);
      return same ? Runs.retrace(rt, shown, s, baseline, cancelled) : Runs.trace(rt, typed, s, baseline, cancelled);
    }, this::sayIfUntraced, this::sayNotShown,
        () -> job.errorProperty().set("stopped: the trace shown is the one before"));
  }

  /**
   * Traces the text of a run of another model on the open one: what a model switch leaves of the
   * run, so that no view keeps the closed model's figures.
   */
  void retrace(Run before) {
    ModelRuntime rt = app.runtime();
    if (rt == null) {
      return;
    }
    long s = before.trace() == null ? Runs.TRACE_SEED : before.trace().seed();
    job.startRun(rt, current, cancelled -> Runs.retrace(rt, before, s, app.baselineBeside(rt), cancelled),
        this::sayIfUntraced, this::sayNotShown, () -> { });
  }

  private void sayIfUntraced(Run r) {
    if (r.trace() == null) {
      job.errorProperty().set(r.model() + " is the discrete baseline: it has no flow layers to trace");
    }
  }

  private void sayNotShown() {
    job.errorProperty().set("the trace was not shown: a run asked for after it is shown instead");
  }

  /** Stops the running trace: what the view showed before stays. */
  public void stop() {
    job.stop();
  }

  /** Drops a trace still running: an opened run file replaces whatever it would show. */
  void abandon() {
    job.abandon();
    job.errorProperty().set("");
  }

  /** One layer towards the noise (forward, text -> noise). */
  public void forward() {
    IntegerProperty state = current.stateProperty();
    if (state.get() < states() - 1) {
      state.set(state.get() + 1);
    }
  }

  /** One layer towards the text (backward, noise -> text). */
  public void backward() {
    IntegerProperty state = current.stateProperty();
    if (state.get() > 0) {
      state.set(state.get() - 1);
    }
  }
}
