package org.tarflowlm.ui;

import java.util.function.Consumer;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;

/**
 * The running flag, the error message and the Stop of a view model's background job: one job at
 * a time, its error shown, its stop taking effect at the model's next step.
 */
final class JobState {
  private final BooleanProperty running = new SimpleBooleanProperty();
  private final StringProperty error = new SimpleStringProperty("");
  private ModelWorker.Handle handle;

  BooleanProperty runningProperty() {
    return running;
  }

  StringProperty errorProperty() {
    return error;
  }

  /** Starts a job on the worker; {@code done} or {@code stopped} run on the UI thread after it. */
  <T> void start(ModelWorker worker, ModelWorker.Job<T> job, Consumer<T> done, Runnable stopped) {
    error.set("");
    running.set(true);
    handle = worker.submit(job, r -> {
      running.set(false);
      done.accept(r);
    }, () -> {
      running.set(false);
      stopped.run();
    }, msg -> {
      running.set(false);
      error.set(msg);
    });
  }

  /** Asks the running job to stop. */
  void stop() {
    if (handle != null) {
      handle.cancel();
    }
  }
}
