package org.tarflowlm.ui;

import java.util.concurrent.Executor;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.LongProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleLongProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import org.tarflowlm.runtime.GenerationListener;
import org.tarflowlm.runtime.GenerationRequest;
import org.tarflowlm.runtime.ModelRuntime;
import org.tarflowlm.runtime.PassResult;

/**
 * Multi-pass refinement: a generation's text after every pass, as they arrive, and the pass the
 * timeline shows.
 */
public final class RefinementViewModel {
  private final AppViewModel app;
  private final Executor ui;
  private final StringProperty prompt = new SimpleStringProperty("");
  private final IntegerProperty length = new SimpleIntegerProperty(96);
  private final LongProperty seed = new SimpleLongProperty(7);
  private final ObservableList<PassResult> passes = FXCollections.observableArrayList();
  private final IntegerProperty shown = new SimpleIntegerProperty(-1);
  private final BooleanProperty running = new SimpleBooleanProperty();
  private final StringProperty error = new SimpleStringProperty("");
  private final javafx.beans.property.ObjectProperty<org.tarflowlm.runtime.GenerationResult> result =
      new javafx.beans.property.SimpleObjectProperty<>();
  private ModelWorker.Handle handle;

  public RefinementViewModel(AppViewModel app, Executor ui) {
    this.app = app;
    this.ui = ui;
  }

  public StringProperty promptProperty() {
    return prompt;
  }

  public IntegerProperty lengthProperty() {
    return length;
  }

  public LongProperty seedProperty() {
    return seed;
  }

  public ObservableList<PassResult> passes() {
    return passes;
  }

  /** Index of the pass the timeline is on (-1 before any). */
  public IntegerProperty shownProperty() {
    return shown;
  }

  /** The last finished generation. */
  public javafx.beans.property.ObjectProperty<org.tarflowlm.runtime.GenerationResult> resultProperty() {
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
    GenerationRequest req;
    try {
      req = new GenerationRequest(prompt.get(), length.get(), 1.0, seed.get(), true, 8);
    } catch (IllegalArgumentException e) {
      error.set(e.getMessage());
      return;
    }
    passes.clear();
    shown.set(-1);
    error.set("");
    running.set(true);
    GenerationListener listener = new GenerationListener() {
      @Override
      public void onPass(PassResult pass) {
        ui.execute(() -> {
          passes.add(pass);
          shown.set(passes.size() - 1);
        });
      }
    };
    handle = app.worker().submit(cancelled -> rt.generate(req, listener, cancelled),
        r -> {
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

  /** Moves the timeline to the next pass, wrapping to the first; returns false when there are none. */
  public boolean advance() {
    if (passes.isEmpty()) {
      return false;
    }
    shown.set((shown.get() + 1) % passes.size());
    return true;
  }
}
