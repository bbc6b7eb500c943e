package org.tarflowlm.ui;

import java.util.function.Consumer;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import org.tarflowlm.runtime.ModelRuntime;
import org.tarflowlm.runtime.Run;

/**
 * The running flag, the error message and the Stop of a view model's background job: one job at
 * a time, its error shown, its stop taking effect at the model's next step.
 *
 * <p>A job publishes its result only while it is the latest job of its view and the model it ran
 * on is still the open one: a result that arrived after a model switch became the run every view
 * showed, labelled with a model that no longer was open.
 */
final class JobState {
  private final AppViewModel app;
  private final BooleanProperty running = new SimpleBooleanProperty();
  private final StringProperty error = new SimpleStringProperty("");
  private ModelWorker.Handle handle;
  /** Whether the running job ran on the open model (and so ends when another one is opened). */
  private boolean onOpenModel;

  JobState(AppViewModel app) {
    this.app = app;
    app.loadingProperty().addListener((o, was, loading) -> {
      if (loading && onOpenModel) {
        stop();
      }
    });
  }

  BooleanProperty runningProperty() {
    return running;
  }

  StringProperty errorProperty() {
    return error;
  }

  /**
   * Starts a job on the worker, replacing (and stopping) one still running; {@code done} or
   * {@code stopped} run on the UI thread after it, only if no later job has started.
   *
   * @param model the open model the job runs on: its result is dropped if another model has opened
   *     since (then the job says so in {@link #errorProperty()}); null for a job that runs on models
   *     of its own choosing
   */
  <T> void start(ModelRuntime model, ModelWorker.Job<T> job, Consumer<T> done, Runnable stopped) {
    stop();
    app.stopWarmUp();
    error.set("");
    running.set(true);
    onOpenModel = model != null;
    ModelWorker.Handle[] mine = new ModelWorker.Handle[1];
    handle = mine[0] = app.worker().submit(job, r -> {
      if (mine[0] != handle) {
        return; // a later job of this view replaced it
      }
      running.set(false);
      if (mine[0].isCancelled()) { // it ended before it heard the Stop: what it made is dropped all the same
        stopped.run();
        return;
      }
      if (model != null && app.runtime() != model) {
        error.set("the run on " + model.name() + " was dropped: " + nameOf(app.runtime()) + " was opened while it ran");
        return;
      }
      done.accept(r);
    }, () -> {
      if (mine[0] == handle) {
        running.set(false);
        stopped.run();
      }
    }, msg -> {
      if (mine[0] == handle) {
        running.set(false);
        error.set(msg);
      }
    });
  }

  /**
   * Starts a job that makes a run: when it ends, its run is shown in {@code current} unless a run
   * of a job started after it is shown already; then {@code notShown} runs instead.
   */
  void startRun(ModelRuntime model, CurrentRun current, ModelWorker.Job<Run> job, Consumer<Run> shown,
      Runnable notShown, Runnable stopped) {
    long ticket = current.begin(); // taken at the start: a later job's run outranks this one
    start(model, job, run -> {
      if (current.publish(ticket, run)) {
        shown.accept(run);
      } else {
        notShown.run();
      }
    }, stopped);
  }

  private static String nameOf(ModelRuntime rt) {
    return rt == null ? "another model" : rt.name();
  }

  /** Stops the running job and drops whatever it would still deliver: what the view shows now replaces it. */
  void abandon() {
    stop();
    handle = null;
    running.set(false);
  }

  /** Asks the running job to stop. */
  void stop() {
    if (handle != null) {
      handle.cancel();
    }
  }
}
